#!/usr/bin/env python3
"""Detection quality of one tern analysis pair (planted tenant, benign-only tenant).

Reads the generator's truth.json and tern's findings.json of both tenants and prints
a per-rule table (planted / found / missed, findings by severity on the planted and on
the benign tenant, precision and recall) and the issue-11 targets with PASS/FAIL.
Exit status 0 when every target is met, 1 otherwise. Used by tools/quality.sh.

A finding "is" a planted attack when its rule is the plant's rule and it names the
plant's mailbox (or the plant is organization-level) or carries the attacker's IP.
A finding is attack-related (a true positive for precision) when it names a victim
mailbox or actor of any plant or carries any attacker IP; everything else is a false
positive: the benign tenant's findings all are.
"""
import json
import sys

SEVERITIES = ["critical", "high", "medium", "low", "info"]


def load_findings(path):
    # Everything before the sessions array only: sessions are most of the file.
    head = []
    with open(path) as f:
        for line in f:
            if line == '  "sessions": [\n':
                break
            head.append(line)
    text = "".join(head)
    if not text.rstrip().endswith("}"):
        text += '  "sessions": []\n}\n'
    return json.loads(text)["findings"]


def upn(f):
    return (f.get("mailbox") or {}).get("upn", "").lower()


def main(argv):
    if len(argv) != 5:
        print("usage: quality_table.py PLANTED_TRUTH PLANTED_FINDINGS BENIGN_TRUTH BENIGN_FINDINGS")
        return 2
    truth = json.load(open(argv[1]))
    planted_findings = load_findings(argv[2])
    benign_truth = json.load(open(argv[3]))
    benign_findings = load_findings(argv[4])
    users = truth["generator"]["users"]
    days = truth["generator"]["days"]
    months = days / 30.0

    plants = truth["planted"]
    attacker_ips = {p["attacker_ip"] for p in plants if p.get("attacker_ip")}
    victims = {p["mailbox"].lower() for p in plants if p["mailbox"]}
    victims |= {p["actor"].lower() for p in plants if p["actor"]}

    def related(f):
        return (upn(f) in victims or f.get("actor", "").lower() in victims or
                any(ip in attacker_ips for ip in f.get("client_ips", [])))

    def is_plant(f, p):
        if f["rule"] != p["rule"]:
            return False
        if p["mailbox"] and upn(f) == p["mailbox"].lower():
            return True
        return p.get("attacker_ip", "") in f.get("client_ips", []) or not p["mailbox"]

    rules = sorted({p["rule"] for p in plants} | {f["rule"] for f in planted_findings} |
                   {f["rule"] for f in benign_findings})
    table = {r: {"planted": 0, "found": 0, "tp": 0, "fp": 0,
                 "sev": dict.fromkeys(SEVERITIES, 0), "benign": dict.fromkeys(SEVERITIES, 0)}
             for r in rules}
    missed = []
    for p in plants:
        row = table[p["rule"]]
        row["planted"] += 1
        if any(is_plant(f, p) for f in planted_findings):
            row["found"] += 1
        else:
            missed.append(p)
    for f in planted_findings:
        row = table[f["rule"]]
        row["sev"][f["severity"]] += 1
        row["tp" if related(f) else "fp"] += 1
    for f in benign_findings:
        table[f["rule"]]["benign"][f["severity"]] += 1

    def sev_cell(counts):
        return "/".join(str(counts[s]) for s in SEVERITIES[:4])

    print(f"tenant: {users} users, {days} days, {len(plants)} planted attacks "
          f"(seed {truth['generator']['seed']})")
    print("severity columns: critical/high/medium/low")
    header = (f"{'rule':32} {'plant':>5} {'found':>5} {'miss':>4} {'planted tenant':>16} "
              f"{'precision':>9} {'benign tenant':>14}")
    print(header)
    print("-" * len(header))
    for r in rules:
        row = table[r]
        total = row["tp"] + row["fp"]
        precision = f"{row['tp'] / total:.2f}" if total else "-"
        print(f"{r:32} {row['planted']:5} {row['found']:5} {row['planted'] - row['found']:4} "
              f"{sev_cell(row['sev']):>16} {precision:>9} {sev_cell(row['benign']):>14}")
    for p in missed:
        print(f"MISSED {p['rule']} on {p['mailbox'] or '(organization)'} from {p['attacker_ip']}")

    def count(findings, sevs):
        return sum(1 for f in findings if f["severity"] in sevs)

    found = sum(table[r]["found"] for r in rules)
    high_crit = count(planted_findings, ("critical", "high"))
    benign_high = count(benign_findings, ("critical", "high"))
    benign_medium = count(benign_findings, ("medium",))
    print()
    print(f"planted tenant: {len(planted_findings)} findings "
          f"({', '.join(f'{count(planted_findings, (s,))} {s}' for s in SEVERITIES)})")
    print(f"benign tenant:  {len(benign_findings)} findings "
          f"({', '.join(f'{count(benign_findings, (s,))} {s}' for s in SEVERITIES)})")
    checks = [
        (f"every planted attack found: {found}/{len(plants)}", found == len(plants)),
        (f"high+critical per planted attack: {high_crit}/{len(plants)} "
         f"= {high_crit / max(len(plants), 1):.2f} (target <= 3)",
         high_crit <= 3 * len(plants)),
        (f"findings per user per month: {len(planted_findings)}/{users} "
         f"= {len(planted_findings) / users / months:.2f} (target <= 1)",
         len(planted_findings) <= users * months),
        (f"benign high+critical: {benign_high} (target 0)", benign_high == 0),
        (f"benign medium per 25 users per month: {benign_medium * 25 / users / months:.2f} "
         f"(target <= 1)", benign_medium * 25 <= users * months),
    ]
    if benign_truth["planted"]:
        checks.append(("benign tenant has no plants", False))
    ok = True
    for text, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
        ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
