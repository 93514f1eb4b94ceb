#!/usr/bin/env python3
"""Builds the New York offense catalog from NYPD arrest data and a statute table.

    python3 examples/policies/tools/build_catalog.py            # write the catalog
    python3 examples/policies/tools/build_catalog.py --check    # exit 1 if it is stale

Inputs
  * The NYPD arrests CSV (NYC Open Data, "NYPD Arrests Data (Historic)", dataset
    8h9b-rp9u; one month, December 2017). Every distinct LAW_CODE becomes one
    Offense. Default path: examples/data/nypd_arrests_2017-12.csv (bundled), or
    $DIVERT_NYPD_CSV, or --csv.
  * examples/policies/tools/ny_statutes.tsv: hand-written statute knowledge
    (citation, level, description, category, flags, verification, note) keyed
    by glob patterns over NYPD's codes. Rows apply in file order; a later row's
    non-empty field replaces an earlier one's.

Output
  examples/policies/catalogs/new_york.textproto: a divert.v1.OffenseCatalog in
  text format (build_policies.py inserts it into the example policies).

Citation rule (how an NYPD LAW_CODE becomes a readable code)
  NYPD writes a 10-character code: a 3-character law prefix ("PL ", "VTL",
  "AC ", "ABC", ...) and a 7-character body.
  * Penal Law and Criminal Procedure Law (PL, CPL): body = article (3 digits),
    section (2 digits), subdivision field (2 characters):
      "PL 1552500" -> "PL 155.25"        (field "00": no subdivision)
      "PL 1200001" -> "PL 120.00(1)"     (digits: numbered subdivision)
      "PL 140100A" -> "PL 140.10(a)"     ("0" + letter a-g: lettered subdivision)
      "PL 140251A" -> "PL 140.25(1)(a)"  (digit + letter a-g: subdivision, paragraph)
      "PL 120003H" -> "PL 120.00(3) (hate crime)"   (trailing H: charged as a hate
                                          crime, PL 485.05; the level is raised)
  * Other state laws (VTL, ABC, TAX, ED, GB, AM, COR, SW, MD, PHL): body =
    section (4 digits) and a 3-character field:
      "VTL0511001" -> "VTL 511(1)",  "VTL051101A" -> "VTL 511(1)(a)",
      "ABC0064B00" -> "ABC 64-b",    "VTL1229C03" -> "VTL 1229-c(3)"
      (a leading letter is a lettered section such as 64-b or 1229-c).
  * NYC Administrative Code (AC) and Parks rules (PAR) codes are irregular;
    their citations come from the statute table ("AC 10-125(b)").
  * FOA ("for other authorities") and LOC (NYPD's unclassified catch-alls) are
    not statutes: the code keeps NYPD's characters after the prefix
    ("FOA 9000049", "LOC 000000V").
  * Any other subdivision field (NYPD's own markers such as "A3", "WX", "0S")
    is kept verbatim in brackets, "PL 120.05 [A3]", and the entry is marked
    needs_verification. The statute table may override any citation.
  The NYPD spelling is always an alias, so charges written either way match.
  For Penal Law sections that NYPD only writes with subdivisions (PL 120.00(1),
  (2), (3)), a section-level entry ("PL 120.00") is added when all of its plain
  subdivisions agree on level, category and flags, so that a charge written
  without a subdivision still finds its entry.

Level rule
  LAW_CAT_CD F -> FELONY, M -> MISDEMEANOR, V -> VIOLATION, I -> INFRACTION,
  except: NYC Administrative Code and Parks rules offenses -> ORDINANCE (they
  are city law; NYPD's own level is kept in the note), and Vehicle and Traffic
  Law codes that NYPD grades V -> INFRACTION (a traffic infraction is not a
  "violation" under PL 10.00(3)). The statute table may override a level
  (needed for the two rows with no LAW_CAT_CD).

Standard library only.
"""

import argparse
import collections
import csv
import dataclasses
import fnmatch
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_STATUTES = os.path.join(HERE, "ny_statutes.tsv")
DEFAULT_OUT = os.path.join(REPO, "examples", "policies", "catalogs", "new_york.textproto")
DEFAULT_CSV_NAME = "nypd_arrests_2017-12.csv"

LEVELS = {"F": "FELONY", "M": "MISDEMEANOR", "V": "VIOLATION", "I": "INFRACTION"}
LEVEL_NAMES = {"FELONY", "MISDEMEANOR", "VIOLATION", "INFRACTION", "ORDINANCE"}
FLAG_NAMES = {
    "violent": "violent",
    "drug_possession": "drug_possession",
    "drug_sale": "drug_sale",
    "prostitution": "prostitution",
    "oop": "order_of_protection_violation",
}
FLAG_ORDER = ["violent", "drug_possession", "drug_sale", "prostitution", "oop"]
# Output order of the laws: the Penal Law first, then city law, then other
# state laws, then NYPD's non-statutory codes.
LAW_ORDER = ["PL", "AC", "PAR", "VTL", "ABC", "AM", "COR", "CPL", "ED", "GB", "MD",
             "PHL", "SW", "TAX", "LOC", "FOA"]
ARTICLE_LAWS = {"PL", "CPL"}
SECTION_LAWS = {"VTL", "ABC", "AM", "COR", "ED", "GB", "MD", "PHL", "SW", "TAX"}
VERBATIM_LAWS = {"FOA", "LOC"}
TABLE_ONLY_LAWS = {"AC", "PAR"}
ORDINANCE_LAWS = {"AC", "PAR"}
PARAGRAPH_LETTERS = "ABCDEFG"


def default_csv_path():
    env = os.environ.get("DIVERT_NYPD_CSV")
    if env:
        return env
    return os.path.join(REPO, "examples", "data", DEFAULT_CSV_NAME)


@dataclasses.dataclass
class CodeStats:
    code: str
    count: int = 0
    law_cats: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    pd_descs: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    ofns_descs: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    pd_cds: collections.Counter = dataclasses.field(default_factory=collections.Counter)


@dataclasses.dataclass
class StatuteRow:
    line: int
    pattern: str
    citation: str
    level: str
    description: str
    category: str
    flags: str
    verify: str
    note: str


@dataclasses.dataclass
class Entry:
    code: str
    aliases: list
    description: str
    level: str
    category: str
    flags: set
    needs_verification: bool
    notes: list
    comment: str
    sort_key: tuple
    plain: bool = True  # an ordinary subdivision (no marker, no brackets)
    section_key: str = ""


class CatalogError(Exception):
    pass


def read_csv(path):
    stats = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["LAW_CODE"]
            s = stats.setdefault(code, CodeStats(code))
            s.count += 1
            s.law_cats[row["LAW_CAT_CD"].strip()] += 1
            s.pd_descs[row["PD_DESC"].strip()] += 1
            s.ofns_descs[row["OFNS_DESC"].strip()] += 1
            s.pd_cds[row["PD_CD"].strip()] += 1
    return stats


def read_statutes(path):
    rows = []
    header = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                expected = ["pattern", "citation", "level", "description", "category",
                            "flags", "verify", "note"]
                if header != expected:
                    raise CatalogError(f"{path}:{n}: header must be {expected}")
                continue
            if len(fields) > len(header):
                raise CatalogError(f"{path}:{n}: {len(fields)} fields, expected at most {len(header)}")
            fields += [""] * (len(header) - len(fields))
            row = StatuteRow(n, *[x.strip() for x in fields])
            if row.level and row.level not in LEVEL_NAMES:
                raise CatalogError(f"{path}:{n}: unknown level {row.level!r}")
            if row.flags and row.flags != "-":
                for flag in row.flags.split(","):
                    if flag.strip() not in FLAG_NAMES:
                        raise CatalogError(f"{path}:{n}: unknown flag {flag!r}")
            if row.verify not in ("", "y", "n"):
                raise CatalogError(f"{path}:{n}: verify must be y, n or empty")
            rows.append(row)
    return rows


def _int_str(digits):
    return str(int(digits))


def render_article_subdivision(field):
    """PL/CPL 2-character field -> (text, marker, verbatim?)."""
    if field == "00":
        return "", None, False
    if field.isdigit():
        return f"({_int_str(field)})", None, False
    a, b = field[0], field[1]
    if a.isdigit() and b == "H":
        return ("" if a == "0" else f"({a})"), "hate", False
    if a == "0" and b in PARAGRAPH_LETTERS:
        return f"({b.lower()})", None, False
    if a.isdigit() and a != "0" and b in PARAGRAPH_LETTERS:
        return f"({a})({b.lower()})", None, False
    return f" [{field}]", None, True


def render_section_subdivision(field):
    """Other state laws' 3-character field -> (text, verbatim?)."""
    if field == "000":
        return "", False
    if field.isdigit():
        return f"({_int_str(field)})", False
    a, b, c = field
    if a.isalpha() and (b + c).isdigit():
        return f"-{a.lower()}" + (f"({_int_str(b + c)})" if int(b + c) else ""), False
    if a.isalpha() and b.isdigit() and b != "0" and c in PARAGRAPH_LETTERS:
        return f"-{a.lower()}({b})({c.lower()})", False
    if a == "0" and b.isdigit() and c in PARAGRAPH_LETTERS:
        return (f"({b})" if b != "0" else "") + f"({c.lower()})", False
    if a == "0" and b in PARAGRAPH_LETTERS and c.isdigit() and c != "0":
        return f"({b.lower()})({c})", False
    return f" [{field}]", True


def parse_code(nypd):
    """NYPD LAW_CODE -> (law, citation or None, marker, verbatim field or None, section key)."""
    if len(nypd) != 10:
        raise CatalogError(f"unexpected LAW_CODE shape {nypd!r}")
    law, body = nypd[:3].strip(), nypd[3:]
    if law in ARTICLE_LAWS:
        article, section, field = _int_str(body[:3]), body[3:5], body[5:7]
        text, marker, verbatim = render_article_subdivision(field)
        citation = f"{law} {article}.{section}{text}"
        if marker == "hate":
            citation += " (hate crime)"
        return law, citation, marker, (field if verbatim else None), f"{law} {article}.{section}"
    if law in SECTION_LAWS:
        section, field = _int_str(body[:4]), body[4:7]
        text, verbatim = render_section_subdivision(field)
        return law, f"{law} {section}{text}", None, (field if verbatim else None), ""
    if law in VERBATIM_LAWS:
        return law, f"{law} {body}", None, None, ""
    if law in TABLE_ONLY_LAWS:
        return law, None, None, None, ""
    raise CatalogError(f"unknown law prefix in {nypd!r}; add it to build_catalog.py")


def title_case(text):
    words = re.split(r"(\W+)", text.lower())
    return "".join(w.capitalize() if w.isalpha() else w for w in words).strip()


def most_common(counter):
    items = [(k, v) for k, v in counter.items() if k]
    if not items:
        return ""
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    return items[0][0]


def apply_rows(code, rows):
    """The statute table's fields for `code`: later matching rows win."""
    merged = {"citation": "", "level": "", "description": "", "category": "", "flags": None,
              "verify": "", "notes": []}
    for row in rows:
        if not fnmatch.fnmatchcase(code, row.pattern):
            continue
        for name in ("citation", "level", "description", "category", "verify"):
            value = getattr(row, name)
            if value:
                merged[name] = value
        if row.flags:
            merged["flags"] = set() if row.flags == "-" else {f.strip() for f in row.flags.split(",")}
        if row.note == "-":
            merged["notes"] = []
        elif row.note and row.note not in merged["notes"]:
            merged["notes"].append(row.note)
    return merged


def sort_key(law, nypd):
    rank = LAW_ORDER.index(law) if law in LAW_ORDER else len(LAW_ORDER)
    return (rank, nypd[3:])


def build_entries(stats, rows):
    entries = []
    for nypd in sorted(stats):
        s = stats[nypd]
        law, citation, marker, verbatim, section_key = parse_code(nypd)
        table = apply_rows(nypd, rows)
        notes = []
        verify_reasons = []
        if table["citation"]:
            citation = table["citation"]
            verbatim = None if "[" not in citation else verbatim
        if citation is None:
            raise CatalogError(f"{nypd}: {law} codes need a citation in the statute table")
        if verbatim:
            verify_reasons.append(
                f"NYPD's subdivision code {verbatim!r} is not a statute subdivision we can read; "
                "the entry may cover one subdivision or a special charging form.")
        # Level.
        law_cat = most_common(s.law_cats)
        if table["level"]:
            level = table["level"]
        elif law in ORDINANCE_LAWS:
            level = "ORDINANCE"
        elif law == "VTL" and law_cat == "V":
            level = "INFRACTION"
        elif law_cat in LEVELS:
            level = LEVELS[law_cat]
        else:
            raise CatalogError(f"{nypd}: no LAW_CAT_CD in the data and no level in the statute table")
        if law in ORDINANCE_LAWS and law_cat:
            notes.append(f"NYPD grades it {LEVELS.get(law_cat, law_cat).lower()}.")
        if not law_cat:
            verify_reasons.append("NYPD's rows have no level (LAW_CAT_CD); the level is the statute's grade.")
        # Description.
        pd_desc = most_common(s.pd_descs)
        description = table["description"]
        if not description:
            if not pd_desc:
                raise CatalogError(f"{nypd}: no PD_DESC and no description in the statute table")
            description = title_case(pd_desc)
            verify_reasons.append("Description taken from NYPD's PD_DESC only.")
        if marker == "hate":
            description += ", as a hate crime (PL 485.05)"
        if verbatim and f"[{verbatim}]" in citation:
            description += f" (NYPD subdivision code {verbatim})"
        category = table["category"]
        if not category:
            raise CatalogError(f"{nypd}: no category in the statute table")
        flags = table["flags"] or set()
        notes.extend(table["notes"])
        needs_verification = bool(verify_reasons) or table["verify"] == "y"
        notes = verify_reasons + notes
        pd_cd = most_common(s.pd_cds)
        ofns = most_common(s.ofns_descs)
        comment = (f"NYPD {nypd}: {s.count} arrest{'s' if s.count != 1 else ''} in Dec 2017; "
                   f"PD {pd_cd or '-'} {pd_desc or '(no PD_DESC)'}; "
                   f"{ofns or '(no OFNS_DESC)'}; LAW_CAT_CD {law_cat or '(blank)'}")
        entries.append(Entry(
            code=citation, aliases=[nypd], description=description, level=level,
            category=category, flags=flags, needs_verification=needs_verification,
            notes=notes, comment=comment, sort_key=sort_key(law, nypd),
            plain=(marker is None and not verbatim and "(hate crime)" not in citation
                   and "[" not in citation),
            section_key=section_key))
    entries.extend(section_entries(entries, rows))
    entries.sort(key=lambda e: e.sort_key)
    check_unique(entries)
    return entries


def section_entries(entries, rows):
    """Section-level Penal Law entries for sections NYPD writes only with subdivisions."""
    by_section = collections.defaultdict(list)
    for e in entries:
        if e.section_key:
            by_section[e.section_key].append(e)
    added = []
    codes = {normalize(e.code) for e in entries}
    for section, members in sorted(by_section.items()):
        if normalize(section) in codes:
            continue
        plain = [e for e in members if e.plain]
        if not plain:
            continue
        shapes = {(e.level, e.category, frozenset(e.flags)) for e in plain}
        if len(shapes) != 1:
            continue
        law, rest = section.split(" ")
        article, sec = rest.split(".")
        pseudo = f"{law:<3}{int(article):03d}{sec}00"
        table = apply_rows(pseudo, rows)
        description = table["description"] or plain[0].description
        level, category, flags = next(iter(shapes))
        subs = ", ".join(e.code[len(section):] for e in plain)
        notes = [f"Section-level entry for charges written without a subdivision; "
                 f"NYPD's data has {subs}."]
        verify = any(e.needs_verification for e in plain) or table["verify"] == "y"
        if verify:
            notes.append("At least one of its subdivisions needs verification.")
        added.append(Entry(
            code=section, aliases=[], description=description, level=level, category=category,
            flags=set(flags), needs_verification=verify, notes=notes,
            comment=f"{section}: no NYPD code of its own (see its subdivisions below)",
            sort_key=(plain[0].sort_key[0], pseudo[3:8] + "  "), plain=False))
    return added


def normalize(code):
    return " ".join(code.split()).lower()


def check_unique(entries):
    seen = {}
    for e in entries:
        for name in [e.code] + e.aliases:
            key = normalize(name)
            if key in seen and seen[key] is not e:
                raise CatalogError(f"{name!r} names two entries ({seen[key].aliases} and {e.aliases}); "
                                   "add a citation override to the statute table")
            seen[key] = e


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


HEADER = """\
# GENERATED by examples/policies/tools/build_catalog.py from
#   * NYC Open Data, "NYPD Arrests Data (Historic)" (dataset 8h9b-rp9u,
#     https://data.cityofnewyork.us/d/8h9b-rp9u), arrests of 2-31 December
#     2017: every distinct LAW_CODE, its level (LAW_CAT_CD) and NYPD's
#     descriptions (PD_DESC, OFNS_DESC). NYC open data, published under Local
#     Law 11 of 2012 without restrictions; cited as the source of the codes.
#   * examples/policies/tools/ny_statutes.tsv: statute titles, categories and
#     flags written from the public text of the New York laws.
# Do not edit by hand: edit the table or the script and run
#   python3 examples/policies/tools/build_catalog.py
#
# A divert.v1.OffenseCatalog in text format. {total} entries: {nypd} NYPD
# codes and {sections} section-level Penal Law entries; {verify} are marked
# needs_verification (their note says why) for the PCG to check.
# Codes are readable citations ("PL 155.25", "PL 120.00(1)"); NYPD's own
# spelling ("PL 1552500") is an alias. Levels follow NYPD's LAW_CAT_CD, except
# that NYC Administrative Code and Parks rules offenses are ORDINANCE and
# Vehicle and Traffic Law offenses NYPD grades V are INFRACTION. See the
# script's docstring for the full citation and level rules.
# Flags: violent (PL art. 120, 121, 125, 130, 135 kidnapping and unlawful
# imprisonment, 140.25/140.30, 145.12, 150, 160, armed weapons felonies,
# riot 1, terroristic threats); drug_possession (PL 220.03-220.21, 221.05-
# 221.30); drug_sale (PL 220.31-220.44, 220.77, 221.35-221.55, and possession
# with intent to sell); prostitution (PL 230.00, 240.37); and
# order_of_protection_violation (PL 215.50(3), 215.51(b)-(d), 215.52).
"""


def render(entries):
    nypd = sum(1 for e in entries if e.aliases)
    out = [HEADER.format(total=len(entries), nypd=nypd, sections=len(entries) - nypd,
                         verify=sum(1 for e in entries if e.needs_verification))]
    out.append('jurisdiction: "New York State law (Penal Law, Vehicle and Traffic Law and other '
               'state laws) and New York City law (Administrative Code, Parks rules), as NYPD '
               'codes them"\n')
    for e in entries:
        out.append(f"\n# {e.comment}\n")
        out.append("offenses {\n")
        out.append(f"  code: {quote(e.code)}\n")
        for alias in e.aliases:
            out.append(f"  aliases: {quote(alias)}\n")
        out.append(f"  description: {quote(e.description)}\n")
        out.append(f"  level: {e.level}\n")
        out.append(f"  category: {quote(e.category)}\n")
        for flag in FLAG_ORDER:
            if flag in e.flags:
                out.append(f"  {FLAG_NAMES[flag]}: true\n")
        if e.needs_verification:
            out.append("  needs_verification: true\n")
        if e.notes:
            out.append(f"  note: {quote(' '.join(e.notes))}\n")
        out.append("}\n")
    return "".join(out)


def build(csv_path=None, statutes_path=DEFAULT_STATUTES):
    """The catalog text for the given inputs."""
    return render(build_entries(read_csv(csv_path or default_csv_path()), read_statutes(statutes_path)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", default=None, help="NYPD arrests CSV (default: %(default)s)")
    parser.add_argument("--statutes", default=DEFAULT_STATUTES)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when --out differs from what would be written")
    args = parser.parse_args(argv)
    try:
        text = build(args.csv, args.statutes)
    except (CatalogError, OSError) as e:
        print(f"build_catalog: {e}", file=sys.stderr)
        return 2
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            print(f"build_catalog: {args.out} is out of date", file=sys.stderr)
            return 1
        return 0
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
