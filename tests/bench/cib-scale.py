#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Makes a bigger CIB out of one taken from the lab (remote-scale.sh), for
the scheduler's timing beyond what the machine can run: every VNFC (a clone
"svN-clone" of primitive "svN") is copied VNFC_FACTOR-1 times and every
remote node ("remoteJ": its connection resource, its node_state, the
connection's history on the full nodes) REMOTE_FACTOR-1 times, with their
resource history, so crm_simulate computes a transition for a cluster in
the same state, only larger.
Usage: cib-scale.py IN OUT VNFC_FACTOR REMOTE_FACTOR"""
import copy
import re
import sys
import xml.etree.ElementTree as ET


def rename(elem, old, new):
    """Every attribute naming old (as a word or an id prefix) names new."""
    pat = re.compile(r"(?<![A-Za-z0-9])" + re.escape(old) + r"(?![0-9])")
    for e in elem.iter():
        for k, v in list(e.attrib.items()):
            e.set(k, pat.sub(new, v))


def copy_history(status, old, new):
    """Resource old's history on every node, copied as resource new's."""
    for state in status.findall("node_state"):
        lrm = state.find("lrm/lrm_resources")
        r = lrm.find("lrm_resource[@id='%s']" % old) if lrm is not None else None
        if r is not None:
            r2 = copy.deepcopy(r)
            rename(r2, old, new)
            lrm.append(r2)


def main():
    src, dst, vf, rf = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    tree = ET.parse(src)
    cib = tree.getroot()
    resources = cib.find("configuration/resources")
    status = cib.find("status")
    vnfcs = [c.get("id")[:-len("-clone")] for c in resources.findall("clone")
             if re.fullmatch(r"sv[0-9]+-clone", c.get("id") or "")]
    remotes = [p.get("id") for p in resources.findall("primitive")
               if p.get("type") == "remote" and re.fullmatch(r"remote[0-9]+", p.get("id"))]
    # VNFCs: configuration, and their history and promotion scores on every node
    for v in vnfcs:
        clone = resources.find("clone[@id='%s-clone']" % v)
        for f in range(1, vf):
            new = "%sx%d" % (v, f)
            c = copy.deepcopy(clone)
            rename(c, v, new)
            resources.append(c)
            copy_history(status, v, new)
            for state in status.findall("node_state"):
                attrs = state.find("transient_attributes/instance_attributes")
                if attrs is not None:
                    for nv in list(attrs.findall("nvpair")):
                        if nv.get("name") == "master-" + v:
                            nv2 = copy.deepcopy(nv)
                            rename(nv2, v, new)
                            attrs.append(nv2)
    # remote nodes: connection resource, node_state, the connection's history
    for rn in remotes:
        prim = resources.find("primitive[@id='%s']" % rn)
        state = status.find("node_state[@id='%s']" % rn)
        for f in range(1, rf):
            new = "%sx%d" % (rn, f)
            p = copy.deepcopy(prim)
            rename(p, rn, new)
            resources.append(p)
            if state is not None:
                s2 = copy.deepcopy(state)
                rename(s2, rn, new)
                status.append(s2)
            copy_history(status, rn, new)
    tree.write(dst)
    print("%s: %d VNFCs x %d, %d remote nodes x %d" % (dst, len(vnfcs), vf, len(remotes), rf))


if __name__ == "__main__":
    main()
