# Sourced by the bench/*/run.sh scripts. find_python MODULES... prints the
# interpreter that imports them all: $PYTHON if set, else python3 or Debian's
# /usr/bin/python3 (pyenv and virtualenvs often shadow the one that has the
# python3-* packages). Prints nothing and fails when none does.
find_python() {
  local imports candidate
  imports=$(IFS=,; echo "$*")
  if [[ -n "${PYTHON:-}" ]]; then
    echo "$PYTHON"
    return 0
  fi
  for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c "import $imports" 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
