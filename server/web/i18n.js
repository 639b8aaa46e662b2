// The desk's words, one catalog per language (English, German), and the language chosen: every
// text a person reads on the page comes from here. Loaded before the other scripts, it offers
// window.seatkeyText. Static HTML names its text by key (data-text="key", and
// data-text-aria-label, data-text-placeholder, data-text-title for attributes), set as
// textContent, never as markup. A catalog entry is a string with {name} slots (numbers in them
// written in the chosen language) or a function of the parameters, for plurals and for
// refusals whose members differ. A key missing in German falls back to English.
//
// The language: the one chosen with the switch in the header (kept in localStorage, not a
// secret), else the first of the browser's languages (navigator.languages, what it sends as
// Accept-Language) that is English or German, else English.
"use strict";

(() => {
  const STORE = "seatkey-desk-language";
  // The languages there are, each named in its own words on the switch.
  const NAMES = { en: "EN — English", de: "DE — Deutsch" };
  const LANGUAGES = Object.keys(NAMES);

  let lang = "en";
  let locale = "en";  // for dates and numbers: the browser's own variant of the language (de-AT)

  const N = (n) => (typeof n === "number" ? n.toLocaleString(locale) : String(n));
  const plural = (n, one, many) => N(n) + " " + (n === 1 ? one : many);

  const en = {
    "page.title": "seatkey license desk",
    "page.heading": "seatkey license desk",
    "language.label": "Language",
    "sign-out": "Sign out",
    "who": "{name} ({role})",

    "sign-in.heading": "Sign in",
    "sign-in.token": "API token",
    "sign-in.submit": "Sign in",
    "sign-in.hint": "Your API token comes from the desk's administrator. The page keeps it only while this tab is open.",
    "sign-in.done": "Signed in.",
    "sign-in.failed": "Sign-in failed: {reason}",
    "sign-out.done": "Signed out.",
    "sign-out.refused": "Signed out: the server did not accept the token.",

    "nav.label": "Sections",
    "nav.find": "Find",
    "nav.sell": "Sell",
    "nav.codes": "Codes",
    "nav.reports": "Reports",
    "nav.tokens": "Tokens",

    "find.heading": "Find",
    "find.by": "Find by",
    "find.by.appliance": "Appliance ID",
    "find.by.customer": "Customer",
    "find.by.order": "Order",
    "find.text": "Search text",
    "find.submit": "Find",
    "find.results": (p) => plural(p.n, "license", "licenses") + " for " + p.by + " " + JSON.stringify(p.text),
    "find.none": "Nothing on record for that {by}.",
    "find.by.word.customer": "customer",
    "find.by.word.order": "order",
    "results.heading": "Licenses",
    "results.group": (p) => (p.customer ? "Customer " + p.customer : "No customer") + " \u2014 appliance " + p.appliance,

    "col.serial": "Serial",
    "col.kind": "Kind",
    "col.appliance": "Appliance",
    "col.edition": "Edition",
    "col.users": "Users",
    "col.customer": "Customer",
    "col.order": "Order",
    "col.issued": "Issued",
    "col.status": "Status",
    "col.actions": "Actions",

    "appliance.heading": "Appliance",
    "appliance.download": "Download license file",
    "appliance.refresh": "Refresh",
    "appliance.downloaded": "License file for {appliance} downloaded.",
    "ent.licensed": "Licensed",
    "ent.edition": "Edition",
    "ent.server-license": "Server license",
    "ent.included-users": "Included users",
    "ent.pack-users": "Pack users",
    "ent.licensed-users": "Licensed users",
    "ent.max-users": "Most users",
    "ent.updates": "Updates",
    "ent.rejected": "Rejected {serial}",
    "yes": "yes",
    "no": "no",
    "unlimited": "unlimited",
    "updates.until": "until {date}",
    "updates.allowed": "allowed",
    "updates.not-allowed": "not allowed",
    "license.history-of": "History of license {serial}",
    "license.void-button": "Void\u2026",

    "history.heading": "History of license",
    "history.issued": (p) => "issued by " + p.who + (p.order ? ", order " + p.order : "") +
                             (p.code ? ", from activation code no. " + p.code : "") +
                             (p.from ? ", moved here from license " + p.from + " (a transfer)" : ""),
    "history.void": "voided by {who}{why}",
    "history.login": "{who} (at the command line)",
    "history.transfer": "moved to appliance {to} by {who}{why}",
    "history.other": "{type} by {who}{why}",
    "history.superseded": (p) => (p.n === 1 ? "replaced by server license " : "replaced by server licenses ") + p.serials,
    "history.reissued": (p) => (p.n === 1 ? "re-issued as license " : "re-issued as licenses ") + p.serials,
    "history.revocation": (p) => (p.n === 1 ? "named in revocation list " : "named in revocation lists ") + p.serials,

    "void.heading": "Void license",
    "void.reason": "Reason",
    "void.submit": "Void",
    "void.confirm": "Confirm void",
    "void.cancel": "Cancel",
    "void.preview": "Voids license {serial}: {after}.",
    "void.done": "License {serial} voided.",
    "transfer.heading": "Transfer to another appliance",
    "transfer.to": "New appliance ID",
    "transfer.reason": "Reason",
    "transfer.submit": "Transfer",
    "transfer.confirm": "Confirm transfer",
    "transfer.preview": (p) => "Moves " + plural(p.moved, "license", "licenses") + " from " + p.from + " to " + p.to + "; " +
                               plural(p.taken, "license", "licenses") + " of " + p.from + (p.taken === 1 ? " is" : " are") +
                               " taken back. " + p.after + ".",
    "transfer.done": "Licenses of {from} transferred to {to}.",
    "would-have": (p) => p.appliance + " would have " + plural(p.users, "user", "users") + (p.edition ? " (" + p.edition + ")" : ""),
    "ask.confirm": "Press Confirm to do it, or change the form.",

    "sell.heading": "Sell",
    "sell.appliance": "Appliance ID",
    "sell.what": "What",
    "sell.kind.server": "New installation (server license)",
    "sell.kind.target": "More users",
    "sell.kind.users": "User packs by hand",
    "sell.target": "Users in all",
    "sell.target-hint": "The included users count; the packs for the rest are worked out (5-user packs, then 1-user packs) and issued together, or none.",
    "sell.edition": "Edition",
    "sell.updates": "Updates until",
    "sell.replace": "Replace the active server license",
    "sell.pack-users": "Users per pack",
    "sell.packs": "Packs",
    "sell.customer": "Customer",
    "sell.order": "Order",
    "sell.submit": "Issue",
    "sell.confirm": "Confirm issue",
    "sell.issued": "Issued",
    "sell.unseen": "Appliance {appliance} is not on record: this is its first license. Check the ID against the appliance itself.",
    "sell.issued-line": (p) => "serial " + p.serial + ": " + p.kind + (p.edition ? " " + p.edition : "") + ", " + plural(p.users, "user", "users"),
    "sell.done": (p) => "Issued " + plural(p.n, "license", "licenses") + " for " + p.appliance + ".",
    "sell.no-editions": "Could not load the editions: {reason}",
    "note.on-record": (p) => p.appliance + ": on record, " + (p.edition ? p.edition + ", " : "no server license, ") +
                             plural(p.users, "user", "users"),
    "note.unknown": "{appliance}: not on record, a new appliance",

    "codes.heading": "Activation codes",
    "codes.new.heading": "Make codes",
    "codes.count": "Codes",
    "codes.each": "Each code issues",
    "codes.server": "Server license",
    "codes.server.none": "none",
    "codes.server-updates": "Update option, months",
    "codes.server-expires": "Runs out after, months",
    "codes.packs": "{size}-user packs",
    "codes.updates": "More months of updates",
    "codes.reseller": "Reseller",
    "codes.customer": "Customer",
    "codes.order": "Order",
    "codes.valid-until": "Valid until",
    "codes.submit": "Make codes",
    "codes.nothing": "Choose what each code issues: a server license, user packs or more months of updates.",
    "codes.made-one": "Made code no. {first}.",
    "codes.made-many": "Made codes no. {first} to {last}.",
    "codes.made.heading": "Codes made: shown this once",
    "codes.made.hint": "The ledger keeps only each code's number and a hash: download the CSV for the reseller now. A lost code is voided and made again.",
    "codes.csv": "Download CSV",
    "codes.csv-done": "CSV of codes no. {first} to {last} downloaded.",
    "codes.col.number": "No.",
    "codes.col.code": "Code",
    "codes.col.items": "Items",
    "codes.col.reseller": "Reseller",
    "codes.col.customer": "Customer",
    "codes.col.order": "Order",
    "codes.col.valid-until": "Valid until",
    "codes.col.state": "State",
    "codes.col.appliance": "Appliance",
    "codes.find.heading": "Find codes",
    "codes.find.by": "Find codes by",
    "codes.find.by.reseller": "Reseller",
    "codes.find.by.order": "Order",
    "codes.find.by.number": "Number",
    "codes.find.text": "Reseller, order or number (exact)",
    "codes.find.state": "State",
    "codes.find.any": "any state",
    "codes.find.submit": "Find",
    "codes.find.bad-number": "A code number is a whole number from 1, as the list and the CSV show it.",
    "codes.find.word.reseller": "reseller",
    "codes.find.word.order": "order",
    "codes.find.word.number": "number",
    "codes.results": (p) => plural(p.n, "code", "codes") + " for " + p.what + (p.more ? " so far" : "") + ".",
    "codes.more": "More",
    "codes.redeemed-for": " (redeemed for {appliance})",
    "codes.voided-title": "voided {at}: {reason}",
    "codes.redeemed-title": "redeemed {at}",
    "codes.void-button": "Void\u2026",
    "codes.void.heading": "Void code no. {number}?",
    "codes.void.reason": "Reason",
    "codes.void.redeemed": "It was redeemed for appliance {appliance}: the licenses it issued are voided too and named in the next revocation list (a refund).",
    "codes.void.open": "It can no longer be redeemed. Nothing was issued from it yet.",
    "codes.void.confirm": "Void code no. {number}",
    "codes.void.cancel": "Cancel",
    "codes.void.done": (p) => "Code no. " + p.number + " voided" + (p.n ? ", and the " + plural(p.n, "license", "licenses") + " it issued." : "."),

    "reports.heading": "Reports",
    "reports.this-month": "This month",
    "reports.last-month": "Last month",
    "reports.from": "From",
    "reports.to": "To",
    "reports.show": "Show",
    "reports.choose": "Choose the first and the last day.",
    "reports.backwards": "The last day is before the first.",
    "reports.col.what": "What",
    "reports.col.kind": "Kind",
    "reports.col.sort": "Edition or pack",
    "reports.col.licenses": "Licenses",
    "reports.col.users": "Users",
    "reports.pack": "{users}-user pack",
    "reports.empty": "nothing issued, moved or voided in these days",
    "reports.no-reseller": "no reseller",
    "reports.codes-line": "{reseller}: {created} made, {redeemed} activated, {voided} voided, {open} open",
    "reports.other": (p) => "Appliances moved: " + N(p.moved) + ". Revocation lists: " + N(p.lists) + "." +
                            (p.codes ? " Activation codes \u2014 " + p.codes + "." : ""),
    "reports.title": "From {from} to {to} (whole days, local time)",
    "reports.csv": "Download CSV",
    "reports.csv-done": "Report from {from} to {to} downloaded.",

    "tokens.heading": "API tokens",
    "tokens.new.heading": "New token",
    "tokens.name": "Name",
    "tokens.role": "Role",
    "tokens.submit": "Make token",
    "tokens.made.heading": "New token for {name}: shown this once",
    "tokens.made.hint": "Give it to its holder now: the ledger keeps only a hash. A lost token is revoked and made again.",
    "tokens.col.name": "Name",
    "tokens.col.role": "Role",
    "tokens.col.made": "Made",
    "tokens.col.state": "State",
    "tokens.revoked": "revoked",
    "tokens.in-use": "in use",
    "tokens.revoke-button": "Revoke\u2026",
    "tokens.revoke-label": "Revoke {name}",
    "tokens.refresh": "Refresh",
    "tokens.revoke.heading": "Revoke API token {name}?",
    "tokens.revoke.effect": "Its holder is refused from the next request on; the name stays in the ledger.",
    "tokens.revoke.confirm": "Revoke",
    "tokens.revoke.cancel": "Cancel",
    "tokens.made": "API token {name} made.",
    "tokens.revoke.done": "API token {name} revoked: it is refused from its next request on.",
    "tokens.no-roles": "Could not load the roles: {reason}",
    "tokens.expires": "Expires on",
    "tokens.per-day": "Licenses per day",
    "tokens.limits.hint": "Both optional, and fixed once the token is made. From the start of its expiry day (local time) the token is refused; with licenses per day, an order that would place more in a day (UTC) is refused whole.",
    "tokens.col.expires": "Expires",
    "tokens.col.per-day": "Licenses per day",
    "tokens.expired": "expired",
    "tokens.never": "never",
    "tokens.no-limit": "no limit",

    // The API's names (kinds, states, roles, report lines), as the desk reads them.
    "kind.server": "server", "kind.users": "users", "kind.revocation": "revocation", "kind.standby": "standby",
    "status.active": "active", "status.superseded": "superseded", "status.expired": "expired",
    "status.voided": "voided", "status.transferred": "transferred", "status.valid": "valid",
    "role.auditor": "auditor", "role.shop": "shop", "role.clerk": "clerk", "role.admin": "admin",
    "code-state.issued": "open", "code-state.redeemed": "redeemed", "code-state.voided": "voided",
    "report.sale": "sold", "report.free": "free", "report.replacement": "replacements",
    "report.transfer": "moved (transfers)", "report.void": "voided",

    "activate.title": "Activate your appliance",
    "activate.intro.1": "For an appliance without internet: paste or upload the activation request it shows",
    "activate.intro.2": ", or type the license key you bought and the appliance's ID. You get the appliance's license file to download and upload on its admin page. No sign-in is needed: the license key is what counts.",
    "activate.by-request.heading": "With the activation request",
    "activate.request": "Activation request",
    "activate.request-file": "or its file",
    "activate.submit": "Activate",
    "activate.by-code.heading": "With the license key and the appliance ID",
    "activate.code": "License key",
    "activate.appliance": "Appliance ID",
    "activate.result.heading": "License file",
    "activate.download": "Download the license file",
    "activate.working": "Activating…",
    "activate.unreachable": "The server cannot be reached: {reason}",
    "activate.wait": " (wait {seconds} s)",
    "activate.result": (p) => "Appliance " + p.appliance + ": " + (p.edition || "no server license") + ", " +
                              plural(p.users, "user", "users") + " (license keys no. " + p.codes + ").",
    "activate.done": "Activated. Download the license file and upload it on the appliance's admin page.",
    "activate.file-too-large": "That file is too large to be an activation request.",
    "activate.no-request": "Paste the activation request, or choose its file.",

    "error.server": "The server could not do this just now; try again in a moment (error {status}).",
    "error.refused": "The server did not accept this (error {status}).",
    // Refusals: English uses the server's own detail, which is already in the desk's words
    // (docs/back-office.md); the templates below are for the languages the server does not speak.
  };

  const de = {
    "page.title": "seatkey Lizenzstelle",
    "page.heading": "seatkey Lizenzstelle",
    "language.label": "Sprache",
    "sign-out": "Abmelden",
    "sign-in.heading": "Anmelden",
    "sign-in.token": "API-Token",
    "sign-in.submit": "Anmelden",
    "sign-in.hint": "Ihren API-Token erhalten Sie vom Administrator der Lizenzstelle. Die Seite behält ihn nur, solange dieser Tab offen ist.",
    "sign-in.done": "Angemeldet.",
    "sign-in.failed": "Anmeldung fehlgeschlagen: {reason}",
    "sign-out.done": "Abgemeldet.",
    "sign-out.refused": "Abgemeldet: Der Server hat den Token nicht angenommen.",

    "nav.label": "Bereiche",
    "nav.find": "Suchen",
    "nav.sell": "Verkaufen",
    "nav.codes": "Codes",
    "nav.reports": "Berichte",
    "nav.tokens": "Tokens",

    "find.heading": "Suchen",
    "find.by": "Suchen nach",
    "find.by.appliance": "Appliance-ID",
    "find.by.customer": "Kunde",
    "find.by.order": "Auftrag",
    "find.text": "Suchtext",
    "find.submit": "Suchen",
    "find.results": (p) => plural(p.n, "Lizenz", "Lizenzen") + " für " + p.by + " \u201e" + p.text + "\u201c",
    "find.none": "Für diesen {by} ist nichts erfasst.",
    "find.by.word.customer": "Kunden",
    "find.by.word.order": "Auftrag",
    "results.heading": "Lizenzen",
    "results.group": (p) => (p.customer ? "Kunde " + p.customer : "Kein Kunde") + " \u2014 Appliance " + p.appliance,

    "col.serial": "Seriennummer",
    "col.kind": "Art",
    "col.appliance": "Appliance",
    "col.edition": "Edition",
    "col.users": "Benutzer",
    "col.customer": "Kunde",
    "col.order": "Auftrag",
    "col.issued": "Ausgestellt",
    "col.status": "Status",
    "col.actions": "Aktionen",

    "appliance.heading": "Appliance",
    "appliance.download": "Lizenzdatei herunterladen",
    "appliance.refresh": "Aktualisieren",
    "appliance.downloaded": "Lizenzdatei für {appliance} heruntergeladen.",
    "ent.licensed": "Lizenziert",
    "ent.edition": "Edition",
    "ent.server-license": "Serverlizenz",
    "ent.included-users": "Enthaltene Benutzer",
    "ent.pack-users": "Benutzer aus Paketen",
    "ent.licensed-users": "Lizenzierte Benutzer",
    "ent.max-users": "Höchstens Benutzer",
    "ent.updates": "Updates",
    "ent.rejected": "Abgelehnt: {serial}",
    "yes": "ja",
    "no": "nein",
    "unlimited": "unbegrenzt",
    "updates.until": "bis {date}",
    "updates.allowed": "erlaubt",
    "updates.not-allowed": "nicht erlaubt",
    "license.history-of": "Verlauf der Lizenz {serial}",
    "license.void-button": "Stornieren\u2026",

    "history.heading": "Verlauf der Lizenz",
    "history.issued": (p) => "ausgestellt von " + p.who + (p.order ? ", Auftrag " + p.order : "") +
                             (p.code ? ", aus Aktivierungscode Nr. " + p.code : "") +
                             (p.from ? ", hierher übertragen von Lizenz " + p.from : ""),
    "history.void": "storniert von {who}{why}",
    "history.login": "{who} (an der Kommandozeile)",
    "history.transfer": "übertragen auf Appliance {to} von {who}{why}",
    "history.other": "{type} von {who}{why}",
    "history.superseded": (p) => (p.n === 1 ? "ersetzt durch Serverlizenz " : "ersetzt durch Serverlizenzen ") + p.serials,
    "history.reissued": (p) => (p.n === 1 ? "neu ausgestellt als Lizenz " : "neu ausgestellt als Lizenzen ") + p.serials,
    "history.revocation": (p) => (p.n === 1 ? "genannt in Sperrliste " : "genannt in Sperrlisten ") + p.serials,

    "void.heading": "Lizenz stornieren",
    "void.reason": "Grund",
    "void.submit": "Stornieren",
    "void.confirm": "Stornieren bestätigen",
    "void.cancel": "Abbrechen",
    "void.preview": "Storniert Lizenz {serial}: {after}.",
    "void.done": "Lizenz {serial} storniert.",
    "transfer.heading": "Auf eine andere Appliance übertragen",
    "transfer.to": "Neue Appliance-ID",
    "transfer.reason": "Grund",
    "transfer.submit": "Übertragen",
    "transfer.confirm": "Übertragen bestätigen",
    "transfer.preview": (p) => "Überträgt " + plural(p.moved, "Lizenz", "Lizenzen") + " von " + p.from + " auf " + p.to + "; " +
                               plural(p.taken, "Lizenz", "Lizenzen") + " von " + p.from + " " +
                               (p.taken === 1 ? "wird" : "werden") + " zurückgenommen. " + p.after + ".",
    "transfer.done": "Lizenzen von {from} auf {to} übertragen.",
    "would-have": (p) => p.appliance + " hätte dann " + plural(p.users, "Benutzer", "Benutzer") + (p.edition ? " (" + p.edition + ")" : ""),
    "ask.confirm": "Drücken Sie „bestätigen“, um es auszuführen, oder ändern Sie das Formular.",

    "sell.heading": "Verkaufen",
    "sell.appliance": "Appliance-ID",
    "sell.what": "Was",
    "sell.kind.server": "Neuinstallation (Serverlizenz)",
    "sell.kind.target": "Mehr Benutzer",
    "sell.kind.users": "Benutzerpakete von Hand",
    "sell.target": "Benutzer insgesamt",
    "sell.target-hint": "Die enthaltenen Benutzer zählen mit; die Pakete für den Rest werden ermittelt (5er-Pakete, dann 1er-Pakete) und zusammen ausgestellt, oder keines.",
    "sell.edition": "Edition",
    "sell.updates": "Updates bis",
    "sell.replace": "Die aktive Serverlizenz ersetzen",
    "sell.pack-users": "Benutzer je Paket",
    "sell.packs": "Pakete",
    "sell.customer": "Kunde",
    "sell.order": "Auftrag",
    "sell.submit": "Ausstellen",
    "sell.confirm": "Ausstellen bestätigen",
    "sell.issued": "Ausgestellt",
    "sell.unseen": "Appliance {appliance} ist nicht erfasst: Dies ist ihre erste Lizenz. Prüfen Sie die ID an der Appliance selbst.",
    "sell.issued-line": (p) => "Seriennummer " + p.serial + ": " + p.kind + (p.edition ? " " + p.edition : "") + ", " +
                               plural(p.users, "Benutzer", "Benutzer"),
    "sell.done": (p) => plural(p.n, "Lizenz", "Lizenzen") + " für " + p.appliance + " ausgestellt.",
    "sell.no-editions": "Die Editionen ließen sich nicht laden: {reason}",
    "note.on-record": (p) => p.appliance + ": erfasst, " + (p.edition ? p.edition + ", " : "keine Serverlizenz, ") +
                             plural(p.users, "Benutzer", "Benutzer"),
    "note.unknown": "{appliance}: nicht erfasst, eine neue Appliance",

    "codes.heading": "Aktivierungscodes",
    "codes.new.heading": "Codes erzeugen",
    "codes.count": "Anzahl Codes",
    "codes.each": "Jeder Code stellt aus",
    "codes.server": "Serverlizenz",
    "codes.server.none": "keine",
    "codes.server-updates": "Update-Option, Monate",
    "codes.server-expires": "Läuft ab nach, Monaten",
    "codes.packs": "{size}er-Benutzerpakete",
    "codes.updates": "Weitere Monate Updates",
    "codes.reseller": "Händler",
    "codes.customer": "Kunde",
    "codes.order": "Auftrag",
    "codes.valid-until": "Gültig bis",
    "codes.submit": "Codes erzeugen",
    "codes.nothing": "Wählen Sie, was jeder Code ausstellt: eine Serverlizenz, Benutzerpakete oder weitere Monate Updates.",
    "codes.made-one": "Code Nr. {first} erzeugt.",
    "codes.made-many": "Codes Nr. {first} bis {last} erzeugt.",
    "codes.made.heading": "Erzeugte Codes: nur dieses eine Mal angezeigt",
    "codes.made.hint": "Das Ledger behält von jedem Code nur die Nummer und einen Hash: Laden Sie die CSV für den Händler jetzt herunter. Ein verlorener Code wird storniert und neu erzeugt.",
    "codes.csv": "CSV herunterladen",
    "codes.csv-done": "CSV der Codes Nr. {first} bis {last} heruntergeladen.",
    "codes.col.number": "Nr.",
    "codes.col.code": "Code",
    "codes.col.items": "Positionen",
    "codes.col.reseller": "Händler",
    "codes.col.customer": "Kunde",
    "codes.col.order": "Auftrag",
    "codes.col.valid-until": "Gültig bis",
    "codes.col.state": "Stand",
    "codes.col.appliance": "Appliance",
    "codes.find.heading": "Codes suchen",
    "codes.find.by": "Codes suchen nach",
    "codes.find.by.reseller": "Händler",
    "codes.find.by.order": "Auftrag",
    "codes.find.by.number": "Nummer",
    "codes.find.text": "Händler, Auftrag oder Nummer (genau)",
    "codes.find.state": "Stand",
    "codes.find.any": "jeder Stand",
    "codes.find.submit": "Suchen",
    "codes.find.bad-number": "Eine Code-Nummer ist eine ganze Zahl ab 1, wie Liste und CSV sie zeigen.",
    "codes.find.word.reseller": "Händler",
    "codes.find.word.order": "Auftrag",
    "codes.find.word.number": "Nummer",
    "codes.results": (p) => plural(p.n, "Code", "Codes") + " für " + p.what + (p.more ? " bisher" : "") + ".",
    "codes.more": "Mehr",
    "codes.redeemed-for": " (eingelöst für {appliance})",
    "codes.voided-title": "storniert {at}: {reason}",
    "codes.redeemed-title": "eingelöst {at}",
    "codes.void-button": "Stornieren\u2026",
    "codes.void.heading": "Code Nr. {number} stornieren?",
    "codes.void.reason": "Grund",
    "codes.void.redeemed": "Er wurde für Appliance {appliance} eingelöst: Die Lizenzen, die er ausgestellt hat, werden mit storniert und in der nächsten Sperrliste genannt (eine Erstattung).",
    "codes.void.open": "Er kann danach nicht mehr eingelöst werden. Ausgestellt wurde aus ihm noch nichts.",
    "codes.void.confirm": "Code Nr. {number} stornieren",
    "codes.void.cancel": "Abbrechen",
    "codes.void.done": (p) => "Code Nr. " + p.number + " storniert" +
                              (p.n ? ", mit " + (p.n === 1 ? "der Lizenz" : "den " + N(p.n) + " Lizenzen") + ", die er ausgestellt hat." : "."),

    "reports.heading": "Berichte",
    "reports.this-month": "Dieser Monat",
    "reports.last-month": "Letzter Monat",
    "reports.from": "Von",
    "reports.to": "Bis",
    "reports.show": "Anzeigen",
    "reports.choose": "Wählen Sie den ersten und den letzten Tag.",
    "reports.backwards": "Der letzte Tag liegt vor dem ersten.",
    "reports.col.what": "Was",
    "reports.col.kind": "Art",
    "reports.col.sort": "Edition oder Paket",
    "reports.col.licenses": "Lizenzen",
    "reports.col.users": "Benutzer",
    "reports.pack": "{users}er-Benutzerpaket",
    "reports.empty": "an diesen Tagen nichts ausgestellt, übertragen oder storniert",
    "reports.no-reseller": "kein Händler",
    "reports.codes-line": "{reseller}: {created} erzeugt, {redeemed} aktiviert, {voided} storniert, {open} offen",
    "reports.other": (p) => "Übertragene Appliances: " + N(p.moved) + ". Sperrlisten: " + N(p.lists) + "." +
                            (p.codes ? " Aktivierungscodes \u2014 " + p.codes + "." : ""),
    "reports.title": "Vom {from} bis {to} (ganze Tage, Ortszeit)",
    "reports.csv": "CSV herunterladen",
    "reports.csv-done": "Bericht vom {from} bis {to} heruntergeladen.",

    "tokens.heading": "API-Tokens",
    "tokens.new.heading": "Neuer Token",
    "tokens.name": "Name",
    "tokens.role": "Rolle",
    "tokens.submit": "Token erzeugen",
    "tokens.made.heading": "Neuer Token für {name}: nur dieses eine Mal angezeigt",
    "tokens.made.hint": "Geben Sie ihn jetzt seinem Inhaber: Das Ledger behält nur einen Hash. Ein verlorener Token wird widerrufen und neu erzeugt.",
    "tokens.col.name": "Name",
    "tokens.col.role": "Rolle",
    "tokens.col.made": "Erzeugt",
    "tokens.col.state": "Stand",
    "tokens.revoked": "widerrufen",
    "tokens.in-use": "in Gebrauch",
    "tokens.revoke-button": "Widerrufen\u2026",
    "tokens.revoke-label": "{name} widerrufen",
    "tokens.refresh": "Aktualisieren",
    "tokens.revoke.heading": "API-Token {name} widerrufen?",
    "tokens.revoke.effect": "Sein Inhaber wird ab der nächsten Anfrage abgewiesen; der Name bleibt im Ledger.",
    "tokens.revoke.confirm": "Widerrufen",
    "tokens.revoke.cancel": "Abbrechen",
    "tokens.made": "API-Token {name} erzeugt.",
    "tokens.revoke.done": "API-Token {name} widerrufen: Er wird ab seiner nächsten Anfrage abgewiesen.",
    "tokens.no-roles": "Die Rollen ließen sich nicht laden: {reason}",
    "tokens.expires": "Läuft ab am",
    "tokens.per-day": "Lizenzen pro Tag",
    "tokens.limits.hint": "Beides freiwillig und fest, sobald der Token erzeugt ist. Ab Beginn seines Ablauftags (Ortszeit) wird der Token abgewiesen; mit Lizenzen pro Tag wird ein Auftrag, der an einem Tag (UTC) mehr ausstellen würde, ganz abgewiesen.",
    "tokens.col.expires": "Läuft ab",
    "tokens.col.per-day": "Lizenzen pro Tag",
    "tokens.expired": "abgelaufen",
    "tokens.never": "nie",
    "tokens.no-limit": "unbegrenzt",

    "kind.server": "Server", "kind.users": "Benutzer", "kind.revocation": "Sperrliste", "kind.standby": "Standby",
    "status.active": "aktiv", "status.superseded": "ersetzt", "status.expired": "abgelaufen",
    "status.voided": "storniert", "status.transferred": "übertragen", "status.valid": "gültig",
    "role.auditor": "Prüfer", "role.shop": "Shop", "role.clerk": "Sachbearbeiter", "role.admin": "Administrator",
    "code-state.issued": "offen", "code-state.redeemed": "eingelöst", "code-state.voided": "storniert",
    "report.sale": "verkauft", "report.free": "kostenlos", "report.replacement": "Ersatz",
    "report.transfer": "übertragen", "report.void": "storniert",

    "activate.title": "Appliance aktivieren",
    "activate.intro.1": "Für eine Appliance ohne Internet: Fügen Sie die Aktivierungsanfrage ein, die sie anzeigt, oder laden Sie sie hoch",
    "activate.intro.2": ", oder geben Sie den gekauften Lizenzschlüssel und die ID der Appliance ein. Sie erhalten die Lizenzdatei der Appliance zum Herunterladen und laden sie auf deren Administrationsseite hoch. Eine Anmeldung ist nicht nötig: Es zählt der Lizenzschlüssel.",
    "activate.by-request.heading": "Mit der Aktivierungsanfrage",
    "activate.request": "Aktivierungsanfrage",
    "activate.request-file": "oder ihre Datei",
    "activate.submit": "Aktivieren",
    "activate.by-code.heading": "Mit Lizenzschlüssel und Appliance-ID",
    "activate.code": "Lizenzschlüssel",
    "activate.appliance": "Appliance-ID",
    "activate.result.heading": "Lizenzdatei",
    "activate.download": "Lizenzdatei herunterladen",
    "activate.working": "Wird aktiviert…",
    "activate.unreachable": "Der Server ist nicht erreichbar: {reason}",
    "activate.wait": " (warten Sie {seconds} s)",
    "activate.result": (p) => "Appliance " + p.appliance + ": " + (p.edition || "keine Serverlizenz") + ", " +
                              plural(p.users, "Benutzer", "Benutzer") + " (Lizenzschlüssel Nr. " + p.codes + ").",
    "activate.done": "Aktiviert. Laden Sie die Lizenzdatei herunter und auf der Administrationsseite der Appliance hoch.",
    "activate.file-too-large": "Diese Datei ist zu groß für eine Aktivierungsanfrage.",
    "activate.no-request": "Fügen Sie die Aktivierungsanfrage ein, oder wählen Sie ihre Datei.",
    "problem.code_unknown": "Diesen Lizenzschlüssel gibt es nicht: Prüfen Sie ihn auf der Rechnung.",
    "problem.code_expired": "Der Lizenzschlüssel Nr. {number} ist seit {valid_until} abgelaufen.",
    "problem.code_redeemed_elsewhere": "Der Lizenzschlüssel Nr. {number} ist schon auf einer anderen Appliance aktiviert.",

    "error.server": "Der Server konnte das gerade nicht ausführen; versuchen Sie es gleich noch einmal (Fehler {status}).",
    "error.refused": "Der Server hat das nicht angenommen (Fehler {status}).",

    // Refusals by their problem code, filled from the problem's members (error.hpp names them).
    "problem.compact_max_users": (p) => p.appliance
        ? "Die Edition " + p.edition + " erlaubt höchstens " + plural(p.max_users, "Benutzer", "Benutzer") +
          ", aber Appliance " + p.appliance + " hätte danach " + plural(p.users_after, "Benutzer", "Benutzer") +
          (p.current_users !== undefined ? " (jetzt " + N(p.current_users) + ")" : "") + "."
        : "Die Positionen ergeben " + plural(p.users_after, "Benutzer", "Benutzer") + ", mehr als die höchstens " +
          N(p.max_users) + " der Edition " + p.edition + ".",
    "problem.free_takes_no_packs": (p) => p.appliance
        ? "Appliance " + p.appliance + " hat die Edition " + p.edition + " (Serverlizenz " + p.serial +
          "), die keine Benutzerpakete nimmt: Stellen Sie zuerst eine kommerzielle Edition aus."
        : "Die Edition " + p.edition + " nimmt keine Benutzerpakete: Ein Code kann nicht beides enthalten.",
    "problem.second_server_license": "Appliance {appliance} hat schon eine Serverlizenz (Seriennummer {serial}); eine zweite wird nur zum Upgrade von free auf eine kommerzielle Edition ausgestellt, oder als Ersatz, der sie neu ausstellt (die alte wird storniert).",
    "problem.no_server_license": "Appliance {appliance} hat keine Serverlizenz: Stellen Sie zuerst ihre Serverlizenz aus.",
    "problem.pack_size": "Ein Benutzerpaket hat 1 oder 5 Benutzer, nicht {users}.",
    "problem.appliance_id_mistyped": (p) => p.form === "uuid"
        ? "Die Appliance-ID ist als UUID geschrieben, aber vertippt: Eine UUID hat 8-4-4-4-12 Hex-Ziffern (" + N(p.expected_bytes) + " Bytes). Prüfen Sie sie an der Appliance."
        : p.form === "mac"
        ? "Die Appliance-ID ist als MAC-Adresse geschrieben, aber vertippt: Eine MAC-Adresse hat " + N(p.expected_bytes) + " Bytes zu je zwei Hex-Ziffern. Prüfen Sie sie an der Appliance."
        : "Die Appliance-ID ist vertippt: Prüfen Sie sie an der Appliance.",
    "problem.appliance_unknown": "Für Appliance {appliance} sind keine Lizenzen erfasst.",
    "problem.target_reached": (p) => "Appliance " + p.appliance + " hat schon " + plural(p.licensed_users, "Benutzer", "Benutzer") +
        (p.target_users < p.licensed_users ? " (weniger Benutzer heißt: Pakete stornieren)" : "") +
        ": Für " + N(p.target_users) + " ist kein Paket auszustellen.",
    "problem.target_below_included": "Eine Serverlizenz {edition} enthält {included_users} Benutzer: Eine Installation damit hat mindestens {included_users}, nicht {target_users}.",
    "problem.same_appliance": "Alte und neue Appliance sind dieselbe, {appliance}: Es gibt nichts zu übertragen.",
    "problem.target_has_licenses": "Appliance {appliance} hat schon Lizenzen: Eine Übertragung geht nur auf eine Appliance ohne Lizenzen. Prüfen Sie die Appliance-ID, oder stornieren Sie diese Lizenzen zuerst.",
    "problem.already_voided": "Lizenz {serial} wurde schon zurückgenommen: Eine Lizenz wird nur einmal zurückgenommen; nichts wurde storniert.",
    "problem.unknown_serial": "Das Ledger hat keine Lizenz {serial}: Nichts wurde storniert.",
    "problem.token_name_taken": "Ein API-Token dieses Namens gibt es schon: Ein Name wird nie an einen zweiten Token vergeben, da Einträge den Token nennen, der sie geschrieben hat.",
    "problem.no_such_token": "Das Ledger hat keinen API-Token dieses Namens.",
    "problem.token_revoked": "Der API-Token wurde schon widerrufen.",
    "problem.token_expires_in_past": "Das Ablaufdatum {expires_at} liegt nicht in der Zukunft: Ein Token, der sofort abläuft, wäre nie zu gebrauchen.",
    "problem.token_expired": "Der API-Token ist seit {expired_at} abgelaufen: Die Administration erzeugt einen neuen.",
    "problem.token_quota_exceeded": (p) => "Dieser API-Token darf " + plural(p.max_per_day, "Lizenz", "Lizenzen") + " pro Tag (UTC) ausstellen; heute " +
      (p.left_today === 1 ? "bleibt noch 1" : "bleiben noch " + N(p.left_today)) + " (bis " + p.resets_at + "), dieser Auftrag bräuchte " +
      N(p.licenses) + ": Nichts wurde ausgestellt.",
    "problem.nothing_to_replace": "Nichts zu ersetzen: Appliance {appliance} hat keine aktive Serverlizenz.",
    "problem.code_void": "Der Lizenzschlüssel (Aktivierungscode) Nr. {number} wurde storniert.",
    "problem.ledger_busy": "Das Ledger ist gerade belegt; versuchen Sie es gleich noch einmal.",
    "problem.appliance_is_standby": "Appliance {appliance} ist die Standby-Appliance von {primary} (Standby-Lizenz {standby_serial}): Eigene Lizenzen würden dort nicht zählen.",
    "problem.edition_not_updated": "Die Edition {edition} bekommt nie Updates: Eine Serverlizenz dieser Edition hat kein Update-Datum.",
    "problem.free_replaces_commercial": "Eine Free-Lizenz kann die kommerzielle Serverlizenz {serial} von Appliance {appliance} nicht ersetzen: Die Appliance würde sie niedriger einstufen.",
    "problem.clock_behind": "Lizenz {serial} ist später ausgestellt, als die Uhr des Servers jetzt zeigt: Prüfen Sie die Uhr des Servers.",
    "problem.expires_in_past": "Das Ablaufdatum liegt nicht in der Zukunft.",
    "problem.not_active": "Die neue Serverlizenz wäre auf Appliance {appliance} nicht die aktive: Nichts wurde ausgestellt.",
    "problem.standby_of_itself": "Eine Standby-Lizenz verbindet zwei Appliances, aber beide sind {appliance}.",
    "problem.primary_is_standby": "Appliance {primary} ist selbst eine Standby-Appliance und kann keine Primär-Appliance sein.",
    "problem.primary_not_commercial": "Appliance {primary} hat keine kommerzielle Serverlizenz: Eine Standby-Appliance nutzt die Lizenzen ihrer Primär-Appliance.",
    "problem.standby_exists": "Appliance {primary} hat schon eine Standby-Lizenz ({serial}): eine Standby-Appliance je Primär-Appliance; die alte wird nur ausdrücklich ersetzt.",
    "problem.already_standby": "Appliance {appliance} ist schon die Standby-Appliance einer anderen Primär-Appliance (Standby-Lizenz {serial}).",
    "problem.standby_has_licenses": "Appliance {appliance} hat eigene Lizenzen: Als Standby-Appliance würden sie nicht mehr zählen; stornieren oder übertragen Sie sie zuerst.",
    "problem.not_a_license": "Seriennummer {serial} ist eine Sperrliste, keine Lizenz: Sie wird nicht storniert.",
    "problem.counts_differently": "Auf Appliance {appliance} würden die Lizenzen anders zählen als auf der alten: Nichts wurde übertragen.",
    "problem.nothing_revoked": "Es wurde noch keine Lizenz zurückgenommen: Es gibt nichts für eine Sperrliste.",
    "problem.nothing_new_to_revoke": "Die neueste Sperrliste ({serial}) nennt schon jede zurückgenommene Lizenz: Sie bleibt die Liste zum Verteilen.",
    "problem.no_active_server_license": "Appliance {appliance} hat keine aktive Serverlizenz: Es gibt keine Lizenzdatei für sie.",
    "problem.no_active_standby_license": "Appliance {appliance} hat keine aktive Standby-Lizenz: Es gibt keine Lizenzdatei für sie.",
    "problem.license_file_too_large": "Die Lizenzdatei von Appliance {appliance} würde zu groß für die Appliance ({tokens} Lizenzen, {bytes} Bytes): Nichts wurde ausgestellt.",
    "problem.token_too_large": "Die Lizenz wäre {bytes} Bytes groß, mehr als die {max_bytes} erlaubten: Kürzen Sie Kunde oder Auftrag.",
    "problem.updates_unlimited": "Die Updates der Serverlizenz {serial} von Appliance {appliance} sind unbegrenzt: Weitere Update-Monate passen nicht dazu.",
    "problem.request_mistyped": "Die Aktivierungsanfrage ist vertippt: Kopieren Sie sie noch einmal vollständig von der Appliance.",
    // Problems without a code: the sign-in and the role.
    "problem.unauthorized": "Der API-Token ist nicht gültig: unbekannt, widerrufen oder vertippt; melden Sie sich mit einem gültigen an.",
    "problem.forbidden": "Das darf Ihre Rolle nicht.",
  };

  const catalogs = { en, de };

  function pick(key) {
    const own = catalogs[lang][key];
    return own !== undefined ? own : en[key];
  }

  // The text of `key`, its {name} slots filled from `params`.
  function t(key, params) {
    const entry = pick(key);
    const p = params || {};
    if (entry === undefined) return key;
    if (typeof entry === "function") return entry(p);
    return entry.replace(/\{([a-z_]+)\}/g, (slot, name) => (p[name] === undefined || p[name] === null ? slot : N(p[name])));
  }

  // Whether the chosen language (not the fallback) has `key`.
  const has = (key) => catalogs[lang][key] !== undefined;

  // An API name (a kind, a state, a role) in the desk's words; a name the catalog lacks as it is.
  function word(group, value) {
    if (value === null || value === undefined) return value;
    const entry = pick(group + "." + value);
    return entry === undefined ? String(value) : entry;
  }

  // A refusal (RFC 9457 problem): the catalog's template for its code, filled from its members,
  // else the server's own detail. Never read from the detail's words.
  function problem(p, fallback) {
    if (p && typeof p === "object") {
      let key = typeof p.code === "string" ? p.code : null;
      // The sign-in and role refusals carry no code: their problem type names them.
      if (!key && typeof p.type === "string") {
        const m = /^urn:seatkey:problem:(unauthorized|forbidden)$/.exec(p.type);
        if (m) key = m[1];
      }
      if (key && has("problem." + key)) return t("problem." + key, p);
    }
    return fallback;
  }

  // A time as people of the chosen language write it: date and time, or the date only.
  function dateTime(date, dateOnly) {
    const options = dateOnly ? { year: "numeric", month: "2-digit", day: "2-digit" }
                             : { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
    return date.toLocaleString(locale, options);
  }

  // A day typed as YYYY-MM-DD (a date input's value), as the chosen language writes it.
  function day(text) {
    const [y, m, d] = String(text).split("-").map(Number);
    const date = new Date(y, m - 1, d);
    return Number.isNaN(date.getTime()) ? String(text) : dateTime(date, true);
  }

  function apply(root) {
    const scope = root || document;
    for (const el of scope.querySelectorAll("[data-text]")) el.textContent = t(el.dataset.text);
    for (const attribute of ["aria-label", "placeholder", "title"]) {
      for (const el of scope.querySelectorAll("[data-text-" + attribute + "]")) {
        el.setAttribute(attribute, t(el.getAttribute("data-text-" + attribute)));
      }
    }
    document.documentElement.lang = lang;
    const select = document.getElementById("language");
    if (select) select.value = lang;
  }

  // The browser's variant of `language` (de-AT for a browser set to Austrian German), else its
  // plain form.
  function localeOf(language) {
    for (const l of navigator.languages || [navigator.language]) {
      if (l && l.toLowerCase().split("-")[0] === language) return l;
    }
    return language === "de" ? "de-DE" : "en";
  }

  function fromBrowser() {
    for (const l of navigator.languages || [navigator.language]) {
      const primary = (l || "").toLowerCase().split("-")[0];
      if (LANGUAGES.includes(primary)) return primary;
    }
    return "en";
  }

  function stored() {
    try {
      const s = localStorage.getItem(STORE);
      return LANGUAGES.includes(s) ? s : null;
    } catch (e) {
      return null;  // storage turned off: the browser's languages decide
    }
  }

  function set(language) {
    lang = language;
    locale = localeOf(language);
  }

  // The switch: the page's texts change at once; the other scripts re-render theirs on
  // "seatkey:language".
  function choose(language) {
    if (!LANGUAGES.includes(language)) return;
    set(language);
    try {
      localStorage.setItem(STORE, language);
    } catch (e) {
      // not remembered; this page still switches
    }
    apply();
    document.dispatchEvent(new CustomEvent("seatkey:language", { detail: language }));
  }

  set(stored() || fromBrowser());
  window.seatkeyText = Object.freeze({
    t, has, word, problem, dateTime, day, apply, choose,
    number: N,
    language: () => lang,
    locale: () => locale,
  });
  apply();
  const select = document.getElementById("language");
  if (select) {
    for (const language of LANGUAGES) {
      const option = document.createElement("option");
      option.value = language;
      option.lang = language;
      option.textContent = NAMES[language];
      select.appendChild(option);
    }
    select.value = lang;
    select.addEventListener("change", () => choose(select.value));
  }
})();
