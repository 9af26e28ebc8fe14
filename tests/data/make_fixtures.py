#!/usr/bin/env python3
"""Writes the small fixed inputs of tests/data/bad and tests/data/good.

Run from anywhere; files are rewritten identically each time. Inputs that
are large (a 1 MB field, 5000 columns) or depend on the machine (an
unreadable file, a nonexistent path) are made by the tests themselves.
"""
import gzip
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(HERE, "bad")
GOOD = os.path.join(HERE, "good")


def write(folder, name, data):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def idx(dims, payload, type_code=0x08):
    header = bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return header + bytes(payload)


def gz(data):
    # mtime=0 keeps the bytes identical between runs.
    return gzip.compress(data, mtime=0)


def image_dir(folder, name, n_train=12, n_test=6, size=4, images=None, labels=None, gzipped=True):
    def pixels(n, offset):
        return [(offset + i * 7 + j) % 256 for i in range(n) for j in range(size * size)]

    files = {
        "train-images-idx3-ubyte": idx([n_train, size, size], pixels(n_train, 0)),
        "train-labels-idx1-ubyte": idx([n_train], [i % 3 for i in range(n_train)]),
        "t10k-images-idx3-ubyte": idx([n_test, size, size], pixels(n_test, 100)),
        "t10k-labels-idx1-ubyte": idx([n_test], [i % 3 for i in range(n_test)]),
    }
    if images is not None:
        files["train-images-idx3-ubyte"] = images
    if labels is not None:
        files["train-labels-idx1-ubyte"] = labels
    for stem, data in files.items():
        if gzipped:
            write(folder, f"{name}/{stem}.gz", data if data[:2] == b"\x1f\x8b" or name == "idx_not_gzip" and stem.startswith("train-images") else gz(data))
        else:
            write(folder, f"{name}/{stem}", data)


def main():
    # ---- malformed: each must exit 2 with one message naming file (and line)
    write(BAD, "ragged_row.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n")
    write(BAD, "ragged_extra_field.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n")
    write(BAD, "unterminated_quote.csv", 'a,b\n1,"x\n2,y\n3,z\n')
    write(BAD, "text_after_closing_quote.csv", 'a,b\n1,"x"y\n')
    write(BAD, "binary_garbage.csv", bytes((i * 131 + 7) % 256 for i in range(600)))
    write(BAD, "nul_byte.csv", b"a,b\n1,2\n3,\x004\n")
    write(BAD, "empty.csv", b"")
    write(BAD, "only_bom.csv", b"\xef\xbb\xbf")
    write(BAD, "only_blank_lines.csv", "\n\r\n\n")
    write(BAD, "header_only.csv", "a,b,c\n")
    write(BAD, "duplicate_columns.csv", "id,x,y,x\n1,2,3,4\n")
    write(BAD, "target_absent.csv", "x,y\n1,2\n3,4\n")
    write(BAD, "declared_numeric_has_text.csv", "x,y\n1,2\n3,4\nfive,6\n")
    write(BAD, "declared_boolean_has_text.csv", "flag,y\ntrue,2\nmaybe,4\n")
    write(BAD, "type_for_unknown_column.csv", "x,y\n1,2\n")
    write(BAD, "invalid_utf8.csv", b"name,y\nok,1\nbad\xff\xfename,2\n")
    write(BAD, "invalid_utf8_header.csv", b"na\xc3me,y\n1,2\n")
    image_dir(BAD, "idx_truncated", images=idx([12, 4, 4], [1] * (12 * 16))[:100])
    image_dir(BAD, "idx_wrong_magic", images=b"\x12\x34\x08\x03" + idx([12, 4, 4], [1] * 192)[4:])
    image_dir(BAD, "idx_wrong_type", images=idx([12, 4, 4], [0] * (12 * 16 * 4), type_code=0x0D))
    image_dir(BAD, "idx_labels_mismatch", labels=idx([11], [0] * 11))
    image_dir(BAD, "idx_not_gzip", images=b"this is plain text, not gzip\n")
    image_dir(BAD, "idx_corrupt_gzip", images=b"\x1f\x8b\x08\x00" + b"\x00" * 6 + b"garbage" * 20)
    write(BAD, "dir_without_idx/notes.txt", "a directory that is not an image dataset\n")
    # ---- degenerate: they parse, but nothing can be trained on them
    # (inspect: an error finding, exit 1; train and run: exit 2).
    floats = [f"{(i * 37 % 101) / 10:.1f}" for i in range(20)]
    write(BAD, "constant_target.csv", "x,y\n" + "".join(f"{v},5\n" for v in floats))
    write(BAD, "all_missing_target.csv", "x,y\n" + "".join(f"{v},\n" for v in floats))
    write(BAD, "too_few_rows.csv", "x,y\n0.5,1.5\n1.5,2.5\n2.5,0.5\n3.5,1.0\n")
    write(BAD, "constant_features.csv", "site,kind,y\n" + "".join(f"north,,{v}\n" for v in floats))
    write(BAD, "two_features.csv", "a,b,y\n" + "".join(f"{v},{i % 3},{(i * 7) % 5}\n" for i, v in enumerate(floats)))
    # data.groups naming a column the file lacks, or one column twice.
    for name in ("groups_unknown_column.csv", "groups_overlap.csv"):
        write(BAD, name, "a,b,y\n" + "".join(f"{v},{i % 3},{(i * 7) % 5}\n" for i, v in enumerate(floats)))
    write(BAD, "test_lacks_b.csv", "a,y\n" + "".join(f"{v},{i % 5}\n" for i, v in enumerate(floats[:6])))

    # ---- awkward but valid: each must read correctly (tests assert values)
    write(GOOD, "bom_crlf.csv", b"\xef\xbb\xbfid,name,score\r\n1,alpha,0.5\r\n2,beta,1.5\r\n")
    write(GOOD, "quoted_newlines.csv",
          'id,comment,value\n1,"line one\nline two",3\n2,"she said ""hi""",4\n3,"a,b",5\n')
    write(GOOD, "semicolon.csv", "a;b;c\n1,5;x;3\n2;y;4\n")
    write(GOOD, "tab.tsv", "a\tb\tc\n1\tx y\t3\n2\tz\t4\n")
    write(GOOD, "nonfinite.csv", "x,y\ninf,1\n-inf,2\nnan,3\n1e999,4\nNaN,5\n")
    write(GOOD, "missing_tokens.csv", 'x,c\n1,a\nNA,NA\nnull,null\n?,?\n,""\n2,b\n')
    write(GOOD, "booleans.csv", "flag,TF,n\ntrue,TRUE,1\nfalse,False,0\n,true,1\n")
    write(GOOD, "no_trailing_newline.csv", "a,b\n1,2\n3,4")
    image_dir(GOOD, "idx_tiny_gz")
    image_dir(GOOD, "idx_tiny_plain", gzipped=False)


if __name__ == "__main__":
    main()
