#!/usr/bin/env python3
"""Writes the bundled demo evidence (synthetic, deterministic).

Story: Contoso's CFO Alice (alice@contoso.com) is phished on 2024-03-06, after two
and a half ordinary weeks. The
attacker signs in from Changchun (CN) and later Linköping (SE), reads her mail,
creates an inbox rule forwarding invoices outside and hiding replies, sets
mailbox forwarding, grants himself FullAccess on the AP mailbox through a
compromised admin, sends as Alice, and deletes the evidence. Around it, an
ordinary life: owners reading mail from office and home, Bob reading Alice's
calendar as a long-standing delegate, routine admin work.

The export set looks like what a client hands over: a Purview audit-search CSV,
an overlapping Management-API JSON Lines pull (so duplicates exist), and a zip
holding a Search-UnifiedAuditLog JSON array of MailItemsAccessed records.
IPs come from MaxMind's test databases (fixtures/geoip) so geo works.

Run: python3 tools/make_demo_evidence.py   (rewrites fixtures/demo/)
"""
import csv
import io
import json
import os
import uuid
import zipfile
from datetime import datetime, timedelta

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "demo")
NS = uuid.UUID("6f1c3a52-3f0e-4a55-9b1e-0d7f6f1b2c3d")
ORG = "4a1f7e2c-9d3b-4c8e-a6f5-2b7d9e0c1a34"

USERS = {
    "alice": ("alice@contoso.com", "Alice Ahlgren"),
    "bob": ("bob@contoso.com", "Bob Berg"),
    "carol": ("carol@contoso.com", "Carol Chen"),
    "dave": ("dave.admin@contoso.com", "Dave Diaz"),
    "ap": ("accounts.payable@contoso.com", "Accounts Payable"),
}
OFFICE_IP = "216.160.83.57"   # Milton, US
HOME_IP = "214.78.1.20"       # San Diego, US
ATTACKER_CN = "175.16.199.23"  # Changchun, CN
ATTACKER_SE = "89.160.20.115"  # Linkoping, SE
OWA = "Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/122.0"
OUTLOOK = "Client=MSExchangeRPC"
ATTACK_UA = "Client=REST;Client=RESTSystem;python-requests/2.31.0;"

counter = [0]


def gid(*parts):
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


def mbx(user):
    return gid("mailbox", user)


def sid(user):
    return "S-1-5-21-3623811015-3361044348-30300820-" + str(1000 + sorted(USERS).index(user))


def base(t, op, rtype, user, ip_field, ip, extra):
    counter[0] += 1
    rec = {
        "CreationTime": t.strftime("%Y-%m-%dT%H:%M:%S"),
        "Id": gid("rec", counter[0], op, t.isoformat()),
        "Operation": op,
        "OrganizationId": ORG,
        "RecordType": rtype,
        "ResultStatus": "True" if rtype == 1 else "Succeeded",
        "UserKey": sid(user),
        "UserType": 2 if user == "dave" else 0,
        "Version": 1,
        "Workload": "Exchange",
        ip_field: ip,
        "UserId": USERS[user][0],
    }
    rec.update(extra)
    return rec


def mailbox_rec(t, op, rtype, user, owner, ip, client, session, logon=0, **extra):
    fields = {
        "AppId": "00000002-0000-0ff1-ce00-000000000000",
        "ClientAppId": "",
        "ClientInfoString": client,
        "ExternalAccess": False,
        "InternalLogonType": 0,
        "LogonType": logon,
        "LogonUserSid": sid(user),
        "LogonUserDisplayName": USERS[user][1],
        "MailboxGuid": mbx(owner),
        "MailboxOwnerSid": sid(owner),
        "MailboxOwnerUPN": USERS[owner][0],
        "OrganizationName": "contoso.onmicrosoft.com",
        "OriginatingServer": "BN8PR04MB6225 (15.20.7362.019)\r\n",
        "SessionId": session,
    }
    fields.update(extra)
    return base(t, op, rtype, user, "ClientIPAddress", ip, fields)


def mia(t, user, owner, ip, client, session, access, folders, logon=0, throttled=False):
    items = []
    for path, subjects in folders:
        items.append({
            "FolderItems": [{"InternetMessageId": "<%s@contoso.com>" % gid("msg", s)[:18],
                             "SizeInBytes": 14000 + 37 * len(s)} for s in subjects],
            "Id": "LgAAAA" + gid("folder", owner, path)[:24],
            "Path": path,
        })
    props = [{"Name": "MailAccessType", "Value": access},
             {"Name": "IsThrottled", "Value": "True" if throttled else "False"}]
    return mailbox_rec(t, "MailItemsAccessed", 50, user, owner, ip, client, session, logon,
                       OperationProperties=props, Folders=items,
                       OperationCount=sum(len(s) for _, s in folders))


def admin(t, op, user, ip, params, object_id, session):
    return base(t, op, 1, user, "ClientIP", ip + ":" + str(50000 + counter[0] % 9000), {
        "ObjectId": object_id,
        "Parameters": [{"Name": n, "Value": v} for n, v in params],
        "ExternalAccess": False,
        "OrganizationName": "contoso.onmicrosoft.com",
        "OriginatingServer": "BN8PR04MB6225 (15.20.7362.019)",
        "AppId": "fb78d390-0c51-40cd-8e17-fdbfab77341b",
        "SessionId": session,
    })


def item(subject, folder):
    return {"Id": "RgAAAA" + gid("item", subject)[:24], "Subject": subject,
            "ParentFolder": {"Path": folder, "Id": "LgAAAA" + gid("f", folder)[:20]},
            "InternetMessageId": "<%s@contoso.com>" % gid("msg", subject)[:18],
            "SizeInBytes": 20000 + len(subject)}


def ordinary_weeks(records):
    start = datetime(2024, 2, 19, 8, 0, 0)  # a Monday: 2.5 weeks of baseline before the attack
    for day in range(19):
        d = start + timedelta(days=day)
        if d.weekday() >= 5:
            continue
        for user, ip in (("alice", OFFICE_IP), ("carol", OFFICE_IP), ("bob", OFFICE_IP)):
            s = gid("session", user, day)
            for h in range(0, 8, 2):
                records.append(mia(d + timedelta(hours=h, minutes=7 * h), user, user, ip, OUTLOOK,
                                   s, "Bind", [("\\Inbox", ["Weekly report %d %s" % (day, user),
                                                            "Lunch %d" % h])]))
            records.append(mailbox_rec(d + timedelta(hours=3, minutes=12), "Send", 2, user, user,
                                       ip, OUTLOOK, s, Item=item("Re: plan %d %s" % (day, user),
                                                                 "\\Sent Items")))
            records.append(mailbox_rec(d + timedelta(hours=5), "MoveToDeletedItems", 3, user, user,
                                       ip, OUTLOOK, s, Folder={"Path": "\\Inbox"},
                                       AffectedItems=[item("Newsletter %d" % day, "\\Inbox")]))
        # Evenings from home.
        for user in ("alice", "carol"):
            records.append(mia(d + timedelta(hours=12, minutes=30), user, user, HOME_IP, OWA,
                               gid("home", user, day), "Bind", [("\\Inbox", ["Evening %d" % day])]))
        # Bob reads Alice's calendar as her long-standing delegate.
        records.append(mia(d + timedelta(hours=1, minutes=15), "bob", "alice", OFFICE_IP, OUTLOOK,
                           gid("session", "bob", day), "Bind", [("\\Calendar", ["Board %d" % day])],
                           logon=2))
    records.append(admin(datetime(2024, 3, 5, 14, 2, 11), "Set-Mailbox", "dave", OFFICE_IP,
                         [("Identity", "carol@contoso.com"), ("ProhibitSendQuota", "99 GB")],
                         "carol@contoso.com", gid("admin", 1)))


def attack(records):
    t = datetime(2024, 3, 6, 2, 14, 0)
    s1 = gid("attacker", 1)
    for k in range(3):
        records.append(mia(t + timedelta(minutes=3 * k), "alice", "alice", ATTACKER_CN, ATTACK_UA,
                           s1, "Sync", [("\\Inbox", ["Invoice %d" % (100 + k) for _ in range(1)]),
                                        ("\\Sent Items", ["Payment run %d" % k]),
                                        ("\\Finance", ["Bank details %d" % k]),
                                        ("\\Archive", ["Contract %d" % k])]))
    records.append(admin(t + timedelta(minutes=11), "New-InboxRule", "alice", ATTACKER_CN,
                         [("Name", ".."), ("From", "billing@fabrikam.com"),
                          ("SubjectContainsWords", "invoice;payment;wire"),
                          ("ForwardTo", "ap.dept@contoso-billing.net"),
                          ("MoveToFolder", "RSS Subscriptions"), ("MarkAsRead", "True"),
                          ("StopProcessingRules", "True")],
                         "NAMPR04A002.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/"
                         "contoso.onmicrosoft.com/Alice Ahlgren\\..", s1))
    records.append(admin(t + timedelta(minutes=13), "Set-Mailbox", "alice", ATTACKER_CN,
                         [("Identity", "alice@contoso.com"),
                          ("ForwardingSmtpAddress", "smtp:alice.ahlgren@proton-mail.example"),
                          ("DeliverToMailboxAndForward", "False")],
                         "alice@contoso.com", s1))
    # The attacker later uses Dave's stolen admin session from Sweden.
    t2 = datetime(2024, 3, 6, 3, 40, 0)
    s2 = gid("attacker", 2)
    records.append(admin(t2, "Add-MailboxPermission", "dave", ATTACKER_SE,
                         [("Identity", "accounts.payable@contoso.com"),
                          ("User", "alice@contoso.com"), ("AccessRights", "FullAccess"),
                          ("InheritanceType", "All")], "accounts.payable@contoso.com", s2))
    records.append(admin(t2 + timedelta(minutes=2), "Set-MailboxAuditBypassAssociation", "dave",
                         ATTACKER_SE, [("Identity", "alice@contoso.com"),
                                       ("AuditBypassEnabled", "True")], "alice@contoso.com", s2))
    records.append(mia(t2 + timedelta(minutes=5), "alice", "ap", ATTACKER_SE, ATTACK_UA, s2, "Sync",
                       [("\\Inbox", ["Vendor master data", "Remittance advice 7781"])], logon=2))
    records.append(mailbox_rec(t2 + timedelta(minutes=9), "SendAs", 2, "alice", "ap", ATTACKER_SE,
                               ATTACK_UA, s2, logon=2,
                               Item=item("Updated bank details for March payments",
                                         "\\Sent Items"),
                               SendAsUserSmtp="accounts.payable@contoso.com"))
    sent = item("Re: Invoice 4471 - new remittance account", "\\Sent Items")
    records.append(mailbox_rec(t2 + timedelta(minutes=12), "Send", 2, "alice", "alice",
                               ATTACKER_SE, ATTACK_UA, s2, Item=sent))
    records.append(mailbox_rec(t2 + timedelta(minutes=14), "HardDelete", 3, "alice", "alice",
                               ATTACKER_SE, ATTACK_UA, s2, Folder={"Path": "\\Sent Items"},
                               AffectedItems=[sent]))
    deleted = [item("Security alert: unusual sign-in %d" % k, "\\Inbox") for k in range(120)]
    for k in range(0, 120, 20):
        records.append(mailbox_rec(t2 + timedelta(minutes=20 + k // 20), "SoftDelete", 3, "alice",
                                   "alice", ATTACKER_SE, ATTACK_UA, s2,
                                   Folder={"Path": "\\Inbox"}, AffectedItems=deleted[k:k + 20]))


def aad_logins(records):
    for day, (user, ip) in enumerate((("alice", OFFICE_IP), ("alice", ATTACKER_CN))):
        t = datetime(2024, 3, 5 + day, 2 if day else 7, 5, 0)
        counter[0] += 1
        records.append({"CreationTime": t.strftime("%Y-%m-%dT%H:%M:%S"),
                        "Id": gid("aad", counter[0]), "Operation": "UserLoggedIn",
                        "OrganizationId": ORG, "RecordType": 15, "ResultStatus": "Success",
                        "UserKey": gid("puid", user), "UserType": 0, "Version": 1,
                        "Workload": "AzureActiveDirectory", "ClientIP": ip,
                        "ObjectId": "00000002-0000-0ff1-ce00-000000000000",
                        "UserId": USERS[user][0],
                        "ExtendedProperties": [{"Name": "UserAgent", "Value": "python-requests/2.31.0"
                                                if day else "Mozilla/5.0"}]})


def purview_row(rec):
    t = datetime.strptime(rec["CreationTime"], "%Y-%m-%dT%H:%M:%S")
    us = "%d/%d/%d %d:%02d:%02d %s" % (t.month, t.day, t.year, (t.hour % 12) or 12, t.minute,
                                       t.second, "AM" if t.hour < 12 else "PM")
    return [rec["Id"], us, rec["RecordType"], rec["Operation"], rec["UserId"],
            json.dumps(rec, separators=(",", ":")), "", ""]


def main():
    records = []
    ordinary_weeks(records)
    attack(records)
    aad_logins(records)
    records.sort(key=lambda r: (r["CreationTime"], r["Id"]))

    # 1. Purview export of the whole week.
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData",
                "AssociatedAdminUnits", "AssociatedAdminUnitsNames"])
    for rec in records:
        if rec["Operation"] != "MailItemsAccessed":
            w.writerow(purview_row(rec))
    with open(os.path.join(HERE, "purview_audit_2024-02-19_2024-03-08.csv"), "w",
              encoding="utf-8", newline="") as f:
        f.write(out.getvalue())

    # 2. An overlapping Management-API pull (JSON Lines), 6-7 March: duplicates.
    with open(os.path.join(HERE, "ual_mgmt_api_2024-03-06.jsonl"), "w", encoding="utf-8",
              newline="\n") as f:
        for rec in records:
            if rec["CreationTime"].startswith(("2024-03-06", "2024-03-07")):
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")

    # 3. MailItemsAccessed pulled separately, zipped by the client.
    mia_lines = "".join(json.dumps(r, separators=(",", ":")) + "\n"
                        for r in records if r["Operation"] == "MailItemsAccessed")
    path = os.path.join(HERE, "mailitemsaccessed.zip")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("export/MailItemsAccessed_2024-03.jsonl",
                               date_time=(2024, 3, 9, 10, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, mia_lines)


if __name__ == "__main__":
    main()
