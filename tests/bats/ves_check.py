#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validates VES events against ONAP's Common Event Format schema
(tests/data/CommonEventFormat_30.2.1_ONAP.json, Debian's python3-jsonschema:
the tests run it with /usr/bin/python3, which is where apt installs it).
As a program: ves_check.py FILE... where each line of each FILE is one event
as lb-receiver.py writes it ("<content-type> <body>"); prints each event's
eventId, sequence, severity and sourceName, exit 1 on the first invalid
event (with the schema's reason). As a module: events(FILE) and validate(obj)."""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                      "CommonEventFormat_30.2.1_ONAP.json")
_validator = None


def validate(obj):
    global _validator
    if _validator is None:
        with open(SCHEMA) as f:
            schema = json.load(f)
        jsonschema.Draft4Validator.check_schema(schema)
        _validator = jsonschema.Draft4Validator(schema)
    _validator.validate(obj)


def events(path):
    out = []
    with open(path) as f:
        for line in f:
            ctype, _, body = line.rstrip("\n").partition(" ")
            if ctype != "application/json":
                raise ValueError("content type %r" % ctype)
            out.append(json.loads(body))
    return out


def main():
    n = 0
    for path in sys.argv[1:]:
        for e in events(path):
            try:
                validate(e)
            except jsonschema.ValidationError as err:
                sys.exit("INVALID %s: %s at %s" % (json.dumps(e), err.message,
                                                    "/".join(map(str, err.absolute_path))))
            h, f = e["event"]["commonEventHeader"], e["event"]["faultFields"]
            print("valid %s seq=%d %s %s %s" % (h["eventId"], h["sequence"], f["eventSeverity"],
                                               f["alarmCondition"], h["sourceName"]))
            n += 1
    if n == 0:
        sys.exit("no events")


if __name__ == "__main__":
    main()
