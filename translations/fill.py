#!/usr/bin/env python3
"""Fills the .ts files after `cmake --build build --target ssehub_ui_lupdate`:
ssehub_en.ts gets the source texts (with English plural forms), ssehub_zh_CN.ts the
translations in zh_CN.py. Exits 1 naming every source text that has no translation, so that no
unfinished entry ships (tests/ui/check-translations.sh checks the same)."""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

here = Path(__file__).parent
sys.path.insert(0, str(here))
from zh_CN import ZH  # noqa: E402


def english_plural(text):
    plural = text.replace("entry(s)", "entries").replace("(s)", "s")
    singular = text.replace("entry(s)", "entry").replace("(s)", "")
    singular = singular.replace("were closed and reconnect", "was closed and reconnects")
    return [singular, plural]


def fill(path, translate):
    tree = ET.parse(path)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.find("source").text or ""
        translation = message.find("translation")
        translation.attrib.pop("type", None)
        for child in list(translation):
            translation.remove(child)
        translation.text = None
        forms = translate(source, message.get("numerus") == "yes")
        if forms is None:
            missing.append(source)
            translation.set("type", "unfinished")
            continue
        if message.get("numerus") == "yes":
            for form in forms:
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = forms[0]
    tree.write(path, encoding="utf-8", xml_declaration=True)
    # lupdate's own layout: DOCTYPE line back in.
    text = Path(path).read_text(encoding="utf-8")
    text = text.replace("<?xml version='1.0' encoding='utf-8'?>\n",
                        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
    Path(path).write_text(text + ("\n" if not text.endswith("\n") else ""), encoding="utf-8")
    return missing


def english(source, numerus):
    return english_plural(source) if numerus else [source]


def chinese(source, numerus):
    if source not in ZH:
        return None
    return [ZH[source]]


missing = fill(here / "ssehub_en.ts", english) + fill(here / "ssehub_zh_CN.ts", chinese)
if missing:
    print("no translation for:", *missing, sep="\n  ", file=sys.stderr)
    sys.exit(1)
