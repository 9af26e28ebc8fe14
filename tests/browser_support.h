#pragma once
// Headless Chromium for the tests that render HTML reports: the page is
// loaded from a file and its DOM dumped after any script would have run.
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace nnrecipe::test {

// The browser binary, or "" when it is not installed.
inline std::string chromium_binary() {
  const CommandResult r = run_command("sh -c 'command -v chromium'", 10);
  std::string path = r.out;
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  return r.exit_code == 0 ? path : "";
}

#define REQUIRE_CHROMIUM()                                                                       \
  if (chromium_binary().empty()) {                                                               \
    GTEST_SKIP() << "chromium is not on PATH (Debian package `chromium`); browser test skipped"; \
  }

// Loads `html` from a file and returns the DOM after load. Each call has its
// own profile folder, so tests running in parallel do not share a lock.
inline std::string dump_dom(const std::string& html) {
  TempDir dir;
  const std::string page = dir.file("page.html");
  write_text(page, html);
  const CommandResult r = run_command(quote(chromium_binary()) +
                                          " --headless --no-sandbox --disable-gpu --no-first-run"
                                          " --user-data-dir=" +
                                          quote(dir.file("profile")) + " --dump-dom " + quote("file://" + page),
                                      60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("</html>"), std::string::npos) << "no DOM dumped; stderr:\n" << r.err;
  return r.out;
}

}  // namespace nnrecipe::test
