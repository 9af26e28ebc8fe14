#!/usr/bin/env python3
"""Splits a perf profile of bench_csv_read into the CSV reader's phases.

  perf script -i perf.data -F tid,time,ip,sym --hide-call-graph | perf_phases.py

(profile.sh does both steps.) read_csv runs in phases that follow each
other in time, so the phase boundaries can be read off the samples' times
and symbols, without instrumenting src/:

  scan    Scanner::* (serial): header, type guess, chunk boundaries
  setup   from the scan's end to the first parsing sample: allocating and
          filling the columns (page faults, vector::_M_fill_assign)
  parse   Parser::parse_chunk, the tokenizer, number parsing (parallel)
  finish  Parser::finish_column: dictionaries, missing counts (parallel)

For each phase it prints the wall time, the CPU time (samples / rate) and
so the threads busy on average, and the hottest symbols. Needs the
binary's symbol table (any unstripped build; inlined functions are counted
in their caller).
"""
import collections
import re
import sys

LINE = re.compile(r"\s*(\d+)\s+([\d.]+):\s+[0-9a-f]+\s+(.*)")


def short(symbol):
    """The symbol without namespaces, argument lists and template arguments."""
    symbol = symbol.replace("(anonymous namespace)::", "").replace("nnrecipe::", "")
    symbol = re.sub(r"\(.*", "", symbol)
    while True:  # template arguments, innermost first
        shorter = re.sub(r"<[^<>]*>", "", symbol)
        if shorter == symbol:
            return symbol or "?"
        symbol = shorter


def main():
    samples = []
    for line in sys.stdin:
        m = LINE.match(line)
        if m:
            samples.append((int(m.group(1)), float(m.group(2)), m.group(3).strip()))
    if not samples:
        sys.exit("perf_phases: no samples on stdin")

    def times(pred, after=0.0):
        return [t for _, t, s in samples if t >= after and pred(s)]

    scan = times(lambda s: "Scanner::" in s)
    if not scan:
        sys.exit("perf_phases: no Scanner samples (is the binary built with -g?)")
    scan_begin, scan_end = scan[0], scan[-1]
    parse = times(lambda s: "Parser::parse_chunk" in s or "next_row<true>" in s
                  or "from_chars" in s, after=scan_end)
    parse_begin, parse_end = (parse[0], parse[-1]) if parse else (scan_end, scan_end)
    finish = times(lambda s: "finish_column" in s, after=parse_begin)
    finish_end = max(finish[-1], parse_end) if finish else parse_end

    phases = [("scan", scan_begin, scan_end), ("setup", scan_end, parse_begin),
              ("parse", parse_begin, parse_end), ("finish", parse_end, finish_end)]
    # Sampling rate from the densest thread: its samples' median spacing.
    by_tid = collections.defaultdict(list)
    for tid, t, _ in samples:
        by_tid[tid].append(t)
    main_times = max(by_tid.values(), key=len)
    gaps = sorted(b - a for a, b in zip(main_times, main_times[1:]) if b > a)
    period = gaps[len(gaps) // 2] if gaps else 0.00025

    total_wall = finish_end - scan_begin
    print("%-7s %8s %8s %8s  %s" % ("phase", "wall_s", "cpu_s", "threads", "hottest symbols (cpu share)"))
    for name, begin, end in phases:
        inside = [s for _, t, s in samples if begin <= t < end or (name == "finish" and t == end)]
        wall = end - begin
        cpu = len(inside) * period
        top = collections.Counter(short(s) for s in inside).most_common(4)
        hot = ", ".join("%s %.0f%%" % (sym[-48:], 100.0 * n / len(inside)) for sym, n in top)
        print("%-7s %8.3f %8.3f %8.2f  %s" % (name, wall, cpu, cpu / wall if wall > 0 else 0, hot))
    print("%-7s %8.3f" % ("total", total_wall))


if __name__ == "__main__":
    main()
