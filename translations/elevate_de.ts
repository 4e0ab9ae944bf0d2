<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Alerts</name>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>%1 is assigned permanently</source>
        <translation>%1 ist dauerhaft zugewiesen</translation>
    </message>
    <message>
        <source>The people below hold %1 all the time instead of activating it when needed.</source>
        <translation>Die folgenden Personen haben %1 dauerhaft, statt die Rolle nur bei Bedarf zu aktivieren.</translation>
    </message>
    <message>
        <source>Make these assignments eligible (or give them an end date), so the role is activated only when needed, with its policy&apos;s checks.</source>
        <translation>Wandeln Sie diese Zuweisungen in berechtigte Zuweisungen um (oder legen Sie ein Enddatum fest), damit die Rolle nur bei Bedarf aktiviert wird – mit den Prüfungen ihrer Richtlinie.</translation>
    </message>
    <message>
        <source>Global Administrator</source>
        <translation>Globaler Administrator</translation>
    </message>
    <message numerus="yes">
        <source>%n Global Administrators</source>
        <translation>
            <numerusform>%n Globaler Administrator</numerusform>
            <numerusform>%n Globale Administratoren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>More than %n people are Global Administrators (active or eligible).</source>
        <translation>
            <numerusform>Mehr als %n Person ist Globaler Administrator (aktiv oder berechtigt).</numerusform>
            <numerusform>Mehr als %n Personen sind Globale Administratoren (aktiv oder berechtigt).</numerusform>
        </translation>
    </message>
    <message>
        <source>Keep two to five Global Administrators; give the others a less privileged role that covers their work.</source>
        <translation>Behalten Sie zwei bis fünf Globale Administratoren. Geben Sie den anderen eine Rolle mit weniger Rechten, die für ihre Arbeit ausreicht.</translation>
    </message>
    <message>
        <source>%1 activates without MFA or approval</source>
        <translation>%1 wird ohne MFA oder Genehmigung aktiviert</translation>
    </message>
    <message>
        <source>Anyone eligible for %1 can activate it with a password alone and nobody is asked.</source>
        <translation>Wer für %1 berechtigt ist, kann die Rolle allein mit einem Kennwort aktivieren, ohne dass jemand gefragt wird.</translation>
    </message>
    <message>
        <source>Edit the role&apos;s policy: require multi-factor authentication on activation, approval, or both.</source>
        <translation>Bearbeiten Sie die Richtlinie der Rolle: Verlangen Sie bei der Aktivierung Multi-Faktor-Authentifizierung, eine Genehmigung oder beides.</translation>
    </message>
    <message numerus="yes">
        <source>%1 not activated in %n days</source>
        <translation>
            <numerusform>%1 seit %n Tag nicht aktiviert</numerusform>
            <numerusform>%1 seit %n Tagen nicht aktiviert</numerusform>
        </translation>
    </message>
    <message>
        <source>The people below are eligible for %1 and have not activated it in the last %2 days.</source>
        <translation>Die folgenden Personen sind für %1 berechtigt und haben die Rolle in den letzten %2 Tagen nicht aktiviert.</translation>
    </message>
    <message>
        <source>Ask whether they still need it; remove the eligibilities nobody uses, or start an access review of the role.</source>
        <translation>Fragen Sie nach, ob sie die Rolle noch brauchen. Entfernen Sie ungenutzte berechtigte Zuweisungen, oder starten Sie eine Zugriffsüberprüfung der Rolle.</translation>
    </message>
    <message>
        <source>%1 activated very often</source>
        <translation>%1 wird sehr oft aktiviert</translation>
    </message>
    <message numerus="yes">
        <source>Activated more than %n times in the last 7 days (up to %1) by the people below.</source>
        <translation>
            <numerusform>Von den folgenden Personen in den letzten 7 Tagen mehr als %n-mal aktiviert (bis zu %1-mal).</numerusform>
            <numerusform>Von den folgenden Personen in den letzten 7 Tagen mehr als %n-mal aktiviert (bis zu %1-mal).</numerusform>
        </translation>
    </message>
    <message>
        <source>Check whether their work needs a longer activation or a less privileged role that they can hold; frequent short activations can also hide misuse.</source>
        <translation>Prüfen Sie, ob ihre Arbeit eine längere Aktivierung braucht oder eine Rolle mit weniger Rechten, die sie dauerhaft haben können. Häufige kurze Aktivierungen können auch Missbrauch verbergen.</translation>
    </message>
    <message>
        <source>Roles have not been pulled yet: assignments and eligibilities are not checked.</source>
        <translation>Die Rollen wurden noch nicht abgerufen: Aktive und berechtigte Zuweisungen werden nicht geprüft.</translation>
    </message>
    <message>
        <source>Only your own roles are in the offline cache (everyone&apos;s are pulled for administrators and auditors only): alerts about other people&apos;s assignments cannot be computed here.</source>
        <translation>Im Offlinecache sind nur Ihre eigenen Rollen (die aller Personen werden nur für Administratoren und Auditoren abgerufen): Warnungen zu Zuweisungen anderer Personen können hier nicht berechnet werden.</translation>
    </message>
    <message>
        <source>Role policies are not in the offline cache: whether privileged roles need MFA or approval is not known.</source>
        <translation>Die Rollenrichtlinien sind nicht im Offlinecache: Ob privilegierte Rollen MFA oder eine Genehmigung erfordern, ist nicht bekannt.</translation>
    </message>
    <message>
        <source>No policy cached for %1: whether they need MFA or approval is not known.</source>
        <translation>Für %1 ist keine Richtlinie im Offlinecache: Ob sie MFA oder eine Genehmigung erfordern, ist nicht bekannt.</translation>
    </message>
    <message>
        <source>The audit archive is not available (auditors and administrators only): unused eligibilities and frequent activations are not checked.</source>
        <translation>Das Überwachungsarchiv ist nicht verfügbar (nur für Auditoren und Administratoren): Ungenutzte berechtigte Zuweisungen und häufige Aktivierungen werden nicht geprüft.</translation>
    </message>
</context>
<context>
    <name>Elevate::Console</name>
    <message>
        <source>Demo organisation</source>
        <translation>Demo-Organisation</translation>
    </message>
    <message>
        <source>Starting the demo organisation…</source>
        <translation>Die Demo-Organisation wird gestartet…</translation>
    </message>
    <message>
        <source>The demo server could not start.</source>
        <translation>Der Demo-Server konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <source>The offline cache was damaged and has been rebuilt; it refills from the server.</source>
        <translation>Der Offlinecache war beschädigt und wurde neu aufgebaut. Er wird vom Server neu befüllt.</translation>
    </message>
    <message>
        <source>The demo runs with its own organisation. Start Elevate without --demo to add your own profiles.</source>
        <translation>Die Demo läuft mit einer eigenen Organisation. Starten Sie Elevate ohne --demo, um eigene Profile hinzuzufügen.</translation>
    </message>
    <message>
        <source>The profile could not be saved.</source>
        <translation>Das Profil konnte nicht gespeichert werden.</translation>
    </message>
    <message>
        <source>Sign-in did not complete. Try again.</source>
        <translation>Die Anmeldung wurde nicht abgeschlossen. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>You are signed out. The cached data stays readable; sign in to see current data.</source>
        <translation>Sie sind abgemeldet. Die Daten im Cache bleiben lesbar. Melden Sie sich an, um aktuelle Daten zu sehen.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
</context>
<context>
    <name>Elevate::DemoBackend</name>
    <message>
        <source>requester</source>
        <translation>Antragsteller</translation>
    </message>
    <message>
        <source>approver</source>
        <translation>Genehmiger</translation>
    </message>
    <message>
        <source>reviewer</source>
        <translation>Prüfer</translation>
    </message>
    <message>
        <source>auditor</source>
        <translation>Auditor</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::AlertsModel</name>
    <message>
        <source>1 person</source>
        <translation>1 Person</translation>
    </message>
    <message>
        <source>%1 people</source>
        <translation>%1 Personen</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Affected</source>
        <translation>Betroffen</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::ApprovalsModel</name>
    <message>
        <source>%1 (owner)</source>
        <translation>%1 (Besitzer)</translation>
    </message>
    <message>
        <source>%1 (member)</source>
        <translation>%1 (Mitglied)</translation>
    </message>
    <message>
        <source>The offline cache is not open.</source>
        <translation>Der Offlinecache ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>Requester</source>
        <translation>Antragsteller</translation>
    </message>
    <message>
        <source>Role or group</source>
        <translation>Rolle oder Gruppe</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Geltungsbereich</translation>
    </message>
    <message>
        <source>Justification</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Angefordert</translation>
    </message>
    <message>
        <source>Lapses</source>
        <translation>Verfällt</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Other approvers</source>
        <translation>Weitere Genehmiger</translation>
    </message>
    <message>
        <source>Lapses %1 unless decided</source>
        <translation>Verfällt am %1, falls nicht entschieden</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Verzeichnis</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::AuditModel</name>
    <message>
        <source>Success</source>
        <translation>Erfolg</translation>
    </message>
    <message>
        <source>Failure</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>Initiated by</source>
        <translation>Initiiert von</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::DecisionsModel</name>
    <message>
        <source>Approve</source>
        <translation>Genehmigen</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Verweigern</translation>
    </message>
    <message>
        <source>Don&apos;t know</source>
        <translation>Weiß nicht</translation>
    </message>
    <message>
        <source>Not reviewed</source>
        <translation>Nicht überprüft</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>No recommendation</source>
        <translation>Keine Empfehlung</translation>
    </message>
    <message>
        <source>used this access recently</source>
        <translation>hat diesen Zugriff kürzlich genutzt</translation>
    </message>
    <message>
        <source>has not used this access recently</source>
        <translation>hat diesen Zugriff in letzter Zeit nicht genutzt</translation>
    </message>
    <message>
        <source>no activity to go by</source>
        <translation>keine Aktivität als Anhaltspunkt</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>not yet sent</source>
        <translation>noch nicht gesendet</translation>
    </message>
    <message>
        <source>conflict: %1</source>
        <translation>Konflikt: %1</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>recorded %1</source>
        <translation>erfasst am %1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Begründung: %1</translation>
    </message>
    <message>
        <source>The server refused this decision. Open Sync issues to retry or discard it.</source>
        <translation>Der Server hat diese Entscheidung abgelehnt. Öffnen Sie „Synchronisierungsprobleme“, um sie erneut zu senden oder zu verwerfen.</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Zugriff</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>Empfehlung</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::Format</name>
    <message>
        <source>%1 s</source>
        <translation>%1 Sek.</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 Tg. %2 Std.</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 Tg.</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 Std. %2 Min.</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 Std.</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 Min.</translation>
    </message>
    <message>
        <source>no end</source>
        <translation>unbefristet</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>vor %1</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::MyRolesModel</name>
    <message>
        <source>max %1</source>
        <translation>max. %1</translation>
    </message>
    <message>
        <source>approval</source>
        <translation>Genehmigung</translation>
    </message>
    <message>
        <source>justification</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>ticket</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <source>MFA</source>
        <translation>MFA</translation>
    </message>
    <message>
        <source>strong sign-in</source>
        <translation>starke Anmeldung</translation>
    </message>
    <message>
        <source>The offline cache is not open.</source>
        <translation>Der Offlinecache ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Geltungsbereich</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>Requested %1: %2</source>
        <translation>Angefordert am %1: %2</translation>
    </message>
    <message>
        <source>Permanent assignment</source>
        <translation>Dauerhafte Zuweisung</translation>
    </message>
    <message>
        <source>Ends %1</source>
        <translation>Endet am %1</translation>
    </message>
    <message>
        <source>Group owner</source>
        <translation>Gruppenbesitzer</translation>
    </message>
    <message>
        <source>Group member</source>
        <translation>Gruppenmitglied</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Verzeichnis</translation>
    </message>
    <message>
        <source>Eligible</source>
        <translation>Berechtigt</translation>
    </message>
    <message>
        <source>Active, extension requested</source>
        <translation>Aktiv, Verlängerung angefordert</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Active (permanent)</source>
        <translation>Aktiv (dauerhaft)</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>Wartet auf Genehmigung</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>starts %1</source>
        <translation>beginnt am %1</translation>
    </message>
    <message>
        <source>requested %1</source>
        <translation>angefordert %1</translation>
    </message>
    <message>
        <source>eligible until %1</source>
        <translation>berechtigt bis %1</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::OutboxModel</name>
    <message>
        <source>Decide</source>
        <translation>Entscheiden</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 every item of %2</source>
        <translation>%1: alle Einträge in %2</translation>
    </message>
    <message>
        <source>Accept recommendations of %1</source>
        <translation>Empfehlungen für %1 akzeptieren</translation>
    </message>
    <message>
        <source>Decide on request %1</source>
        <translation>Über Anforderung %1 entscheiden</translation>
    </message>
    <message>
        <source>not yet sent</source>
        <translation>noch nicht gesendet</translation>
    </message>
    <message>
        <source>not yet sent (will retry)</source>
        <translation>noch nicht gesendet (wird erneut versucht)</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>Konflikt</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>The server could not be reached.</source>
        <translation>Der Server war nicht erreichbar.</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Server&apos;s answer</source>
        <translation>Antwort des Servers</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Erfasst</translation>
    </message>
</context>
<context>
    <name>Elevate::Models::ReviewsModel</name>
    <message>
        <source>not started</source>
        <translation>nicht begonnen</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>ended %1</source>
        <translation>beendet am %1</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Überprüfung</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>Entschieden</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Fällig</translation>
    </message>
</context>
<context>
    <name>Elevate::Session</name>
    <message>
        <source>The server could not be reached. Check the connection and try again.</source>
        <translation>Der Server ist nicht erreichbar. Prüfen Sie die Verbindung, und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server did not answer in time. Try again.</source>
        <translation>Der Server hat nicht rechtzeitig geantwortet. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server is busy. Try again in %1 s.</source>
        <translation>Der Server ist ausgelastet. Versuchen Sie es in %1 Sek. erneut.</translation>
    </message>
    <message>
        <source>The server is busy. Try again in a moment.</source>
        <translation>Der Server ist ausgelastet. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>The server failed to answer. Try again later.</source>
        <translation>Beim Server ist ein Fehler aufgetreten. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>You are signed out. Sign in again (elevatectl login).</source>
        <translation>Sie sind abgemeldet. Melden Sie sich erneut an (elevatectl login).</translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation>Dafür fehlen Ihnen die Rechte.</translation>
    </message>
    <message>
        <source>Not found: it may have been removed or decided already.</source>
        <translation>Nicht gefunden: Der Eintrag wurde eventuell entfernt oder bereits entschieden.</translation>
    </message>
    <message>
        <source>Already decided: someone acted on this first.</source>
        <translation>Bereits entschieden: Jemand anderes war schneller.</translation>
    </message>
    <message>
        <source>This role needs a stronger sign-in (authentication context).</source>
        <translation>Diese Rolle erfordert eine stärkere Anmeldung (Authentifizierungskontext).</translation>
    </message>
    <message>
        <source>The role&apos;s policy refused the request; failed rules: %1.</source>
        <translation>Die Richtlinie der Rolle hat die Anforderung abgelehnt. Nicht erfüllte Regeln: %1.</translation>
    </message>
    <message>
        <source>The server&apos;s answer could not be read.</source>
        <translation>Die Antwort des Servers konnte nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The role is already active.</source>
        <translation>Die Rolle ist bereits aktiv.</translation>
    </message>
    <message>
        <source>A request for this role is already waiting for approval.</source>
        <translation>Für diese Rolle wartet bereits eine Anforderung auf Genehmigung.</translation>
    </message>
    <message>
        <source>A role can only be deactivated 5 minutes after it was activated.</source>
        <translation>Eine Rolle kann erst 5 Minuten nach ihrer Aktivierung deaktiviert werden.</translation>
    </message>
    <message>
        <source>There is nothing to act on: the role is not eligible or not active.</source>
        <translation>Nichts zu tun: Sie sind für die Rolle nicht berechtigt, oder sie ist nicht aktiv.</translation>
    </message>
    <message>
        <source>The server refused the request.</source>
        <translation>Der Server hat die Anforderung abgelehnt.</translation>
    </message>
    <message>
        <source>You are not eligible for &apos;%1&apos;.</source>
        <translation>Sie sind für „%1“ nicht berechtigt.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is ambiguous: %2.</source>
        <translation>„%1“ ist mehrdeutig: %2.</translation>
    </message>
    <message>
        <source>Not sent: %1 breaks its policy.
%2</source>
        <translation>Nicht gesendet: Die Anforderung verstößt gegen die Richtlinie von %1.
%2</translation>
    </message>
    <message>
        <source>%1: waiting for approval.</source>
        <translation>%1: Wartet auf Genehmigung.</translation>
    </message>
    <message>
        <source>%1: %2.</source>
        <translation>%1: %2.</translation>
    </message>
    <message>
        <source>%1 needs a stronger sign-in, which did not complete (%2).</source>
        <translation>%1 erfordert eine stärkere Anmeldung, die nicht abgeschlossen wurde (%2).</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not active.</source>
        <translation>„%1“ ist nicht aktiv.</translation>
    </message>
    <message>
        <source>%1 deactivated.</source>
        <translation>%1 deaktiviert.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not one of your roles.</source>
        <translation>„%1“ gehört nicht zu Ihren Rollen.</translation>
    </message>
    <message>
        <source>Group access cannot be extended by its member; deactivate and activate again, or ask an admin.</source>
        <translation>Mitglieder können Gruppenzugriff nicht selbst verlängern. Deaktivieren Sie ihn und aktivieren Sie ihn erneut, oder wenden Sie sich an einen Administrator.</translation>
    </message>
    <message>
        <source>%1: extension %2.</source>
        <translation>%1: Verlängerung %2.</translation>
    </message>
    <message>
        <source>Still waiting for approval; stopped waiting.</source>
        <translation>Die Genehmigung steht noch aus. Es wird nicht länger gewartet.</translation>
    </message>
    <message>
        <source>Request %1 canceled.</source>
        <translation>Anforderung %1 abgebrochen.</translation>
    </message>
    <message>
        <source>%1: nothing for you to decide (not your approval, or already decided).</source>
        <translation>%1: Für Sie gibt es nichts zu entscheiden (nicht Ihre Genehmigung oder bereits entschieden).</translation>
    </message>
    <message>
        <source>%1 approved.</source>
        <translation>%1 genehmigt.</translation>
    </message>
    <message>
        <source>%1 denied.</source>
        <translation>%1 verweigert.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; names several reviews; use its id.</source>
        <translation>„%1“ passt zu mehreren Überprüfungen. Verwenden Sie die ID.</translation>
    </message>
    <message>
        <source>No open review &apos;%1&apos; for you.</source>
        <translation>Keine offene Überprüfung „%1“ für Sie.</translation>
    </message>
    <message>
        <source>No open review &apos;%1&apos; in the offline cache.</source>
        <translation>Keine offene Überprüfung „%1“ im Offlinecache.</translation>
    </message>
    <message>
        <source>No decision &apos;%1&apos; is assigned to you.</source>
        <translation>Ihnen ist keine Entscheidung „%1“ zugewiesen.</translation>
    </message>
    <message>
        <source>Decision %1 recorded.</source>
        <translation>Entscheidung %1 erfasst.</translation>
    </message>
    <message>
        <source>Decisions recorded.</source>
        <translation>Entscheidungen erfasst.</translation>
    </message>
    <message>
        <source>Recommendations accepted for %1.</source>
        <translation>Empfehlungen für %1 akzeptiert.</translation>
    </message>
    <message>
        <source>Activations are never queued offline: the server checks the role&apos;s policy (approval, MFA, duration) when you ask, so ask again when it can be reached.</source>
        <translation>Aktivierungen werden nie offline vorgemerkt: Der Server prüft die Richtlinie der Rolle (Genehmigung, MFA, Dauer) bei der Anforderung. Fordern Sie erneut an, sobald er erreichbar ist.</translation>
    </message>
    <message>
        <source>My roles have never been pulled into the offline cache.</source>
        <translation>„Meine Rollen“ wurden noch nie in den Offlinecache abgerufen.</translation>
    </message>
    <message>
        <source>Requests have never been pulled into the offline cache.</source>
        <translation>Anforderungen wurden noch nie in den Offlinecache abgerufen.</translation>
    </message>
    <message>
        <source>Access reviews have never been pulled into the offline cache.</source>
        <translation>Zugriffsüberprüfungen wurden noch nie in den Offlinecache abgerufen.</translation>
    </message>
    <message>
        <source>The decision could not be recorded: %1</source>
        <translation>Die Entscheidung konnte nicht erfasst werden: %1</translation>
    </message>
    <message>
        <source>Recorded in the outbox (item %1): the server cannot be reached now; it will be sent, once, when it answers again.</source>
        <translation>Im Postausgang erfasst (Eintrag %1): Der Server ist gerade nicht erreichbar. Die Entscheidung wird genau einmal gesendet, sobald er wieder antwortet.</translation>
    </message>
    <message>
        <source>The decision was discarded.</source>
        <translation>Die Entscheidung wurde verworfen.</translation>
    </message>
    <message>
        <source>Not applied: %1 (kept in the outbox as item %2: retry or discard it).</source>
        <translation>Nicht übernommen: %1 (im Postausgang als Eintrag %2 gespeichert: erneut senden oder verwerfen).</translation>
    </message>
</context>
<context>
    <name>Elevate::SyncEngine</name>
    <message>
        <source>The recorded review decision cannot be read.</source>
        <translation>Die erfasste Überprüfungsentscheidung kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The recorded batch of review decisions cannot be read.</source>
        <translation>Der erfasste Stapel von Überprüfungsentscheidungen kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The recorded review cannot be read.</source>
        <translation>Die erfasste Überprüfung kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The recorded approval decision cannot be read.</source>
        <translation>Die erfasste Genehmigungsentscheidung kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Unknown outbox item.</source>
        <translation>Unbekannter Eintrag im Postausgang.</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::ActivateDialog</name>
    <message>
        <source>Extend role</source>
        <translation>Rolle verlängern</translation>
    </message>
    <message>
        <source>Activate roles</source>
        <translation>Rollen aktivieren</translation>
    </message>
    <message>
        <source>Duration in minutes</source>
        <translation>Dauer in Minuten</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>&amp;Now</source>
        <translation>&amp;Jetzt</translation>
    </message>
    <message>
        <source>&amp;At</source>
        <translation>&amp;Um</translation>
    </message>
    <message>
        <source>Start time</source>
        <translation>Startzeit</translation>
    </message>
    <message>
        <source>Justification</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>Why you need it; recent reasons are offered as you type</source>
        <translation>Warum Sie die Rolle brauchen; beim Tippen werden frühere Begründungen vorgeschlagen</translation>
    </message>
    <message>
        <source>Ticket system</source>
        <translation>Ticketsystem</translation>
    </message>
    <message>
        <source>System, e.g. ServiceNow</source>
        <translation>System, z. B. ServiceNow</translation>
    </message>
    <message>
        <source>Ticket number</source>
        <translation>Ticketnummer</translation>
    </message>
    <message>
        <source>Number, e.g. CHG-1234</source>
        <translation>Nummer, z. B. CHG-1234</translation>
    </message>
    <message>
        <source>&amp;Extend</source>
        <translation>&amp;Verlängern</translation>
    </message>
    <message>
        <source>&amp;Activate</source>
        <translation>A&amp;ktivieren</translation>
    </message>
    <message>
        <source>Extend:</source>
        <translation>Verlängern:</translation>
    </message>
    <message>
        <source>Activate:</source>
        <translation>Aktivieren:</translation>
    </message>
    <message>
        <source>&amp;Duration:</source>
        <translation>&amp;Dauer:</translation>
    </message>
    <message>
        <source>Start:</source>
        <translation>Beginn:</translation>
    </message>
    <message>
        <source>&amp;Justification:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>&amp;Ticket:</source>
        <translation>&amp;Ticket:</translation>
    </message>
    <message>
        <source>Some policies are not in the offline cache yet; the server checks them when you submit.</source>
        <translation>Einige Richtlinien sind noch nicht im Offlinecache. Der Server prüft sie beim Senden.</translation>
    </message>
    <message>
        <source>%1 (at most %2)</source>
        <translation>%1 (höchstens %2)</translation>
    </message>
    <message>
        <source>%1 needs approval before it becomes active.</source>
        <translation>%1 muss genehmigt werden, bevor die Rolle aktiv wird.</translation>
    </message>
    <message>
        <source>%1 may ask you to sign in again with multi-factor authentication.</source>
        <translation>%1 fordert Sie eventuell auf, sich erneut mit Multi-Faktor-Authentifizierung anzumelden.</translation>
    </message>
    <message>
        <source>Pick a start time in the future, or start now.</source>
        <translation>Wählen Sie eine Startzeit in der Zukunft, oder beginnen Sie jetzt.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Before you can submit:&lt;/b&gt;</source>
        <translation>&lt;b&gt;Bevor Sie senden können:&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ready to extend.&lt;/b&gt;</source>
        <translation>&lt;b&gt;Bereit zum Verlängern.&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ready to activate.&lt;/b&gt;</source>
        <translation>&lt;b&gt;Bereit zum Aktivieren.&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
    <message>
        <source>%1 is active now.</source>
        <translation>%1 ist jetzt aktiv.</translation>
    </message>
    <message>
        <source>%1 is active now, until %2.</source>
        <translation>%1 ist jetzt aktiv, bis %2.</translation>
    </message>
    <message>
        <source>%1 waits for approval; you will be told when it is decided.</source>
        <translation>%1 wartet auf Genehmigung. Sie werden benachrichtigt, sobald entschieden ist.</translation>
    </message>
    <message>
        <source>%1 is scheduled from %2.</source>
        <translation>%1 ist ab %2 geplant.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Done.&lt;/b&gt;</source>
        <translation>&lt;b&gt;Fertig.&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Some roles were not activated; see why below.&lt;/b&gt;</source>
        <translation>&lt;b&gt;Einige Rollen wurden nicht aktiviert. Die Gründe stehen unten.&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::AlertsPane</name>
    <message>
        <source>Alerts</source>
        <translation>Warnungen</translation>
    </message>
    <message>
        <source>Alert details: affected people and what to do</source>
        <translation>Warnungsdetails: betroffene Personen und empfohlene Maßnahme</translation>
    </message>
    <message>
        <source>The offline cache could not be opened: alerts are not available in this profile.</source>
        <translation>Der Offlinecache konnte nicht geöffnet werden: Warnungen sind in diesem Profil nicht verfügbar.</translation>
    </message>
    <message>
        <source>Not checked: %1</source>
        <translation>Nicht geprüft: %1</translation>
    </message>
    <message>
        <source>&lt;p&gt;No alerts: nothing risky was found in what the cache holds.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Keine Warnungen: In den Daten im Cache wurde nichts Riskantes gefunden.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Affected people</source>
        <translation>Betroffene Personen</translation>
    </message>
    <message>
        <source>Nobody in the cache is eligible for it yet.</source>
        <translation>Im Cache ist noch niemand für die Rolle berechtigt.</translation>
    </message>
    <message>
        <source>What to do</source>
        <translation>Empfohlene Maßnahme</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::ApprovalsPane</name>
    <message>
        <source>Filter requests</source>
        <translation>Anforderungen filtern</translation>
    </message>
    <message>
        <source>Filter requests (Ctrl+F)</source>
        <translation>Anforderungen filtern (Strg+F)</translation>
    </message>
    <message>
        <source>Requests waiting for you</source>
        <translation>Anforderungen, die auf Sie warten</translation>
    </message>
    <message>
        <source>Reason for your decision</source>
        <translation>Begründung für Ihre Entscheidung</translation>
    </message>
    <message>
        <source>A&amp;pprove</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>Approve the selected requests (Ctrl+Enter)</source>
        <translation>Ausgewählte Anforderungen genehmigen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>De&amp;ny</source>
        <translation>&amp;Verweigern</translation>
    </message>
    <message>
        <source>Deny the selected requests</source>
        <translation>Ausgewählte Anforderungen verweigern</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>The requests waiting for you could not be read from the offline cache. Refresh to try again.</source>
        <translation>Die Anforderungen, die auf Sie warten, konnten nicht aus dem Offlinecache gelesen werden. Aktualisieren Sie, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Pending Approvals</source>
        <translation>Ausstehende Genehmigungen</translation>
    </message>
    <message>
        <source>Required: why you approve or deny</source>
        <translation>Erforderlich: warum Sie genehmigen oder verweigern</translation>
    </message>
    <message>
        <source>Optional: a note for the requester</source>
        <translation>Optional: eine Notiz für den Antragsteller</translation>
    </message>
    <message>
        <source>Select one or more requests to decide on them.</source>
        <translation>Wählen Sie eine oder mehrere Anforderungen aus, um darüber zu entscheiden.</translation>
    </message>
    <message>
        <source>Give a reason: the policy asks for one.</source>
        <translation>Geben Sie eine Begründung an: Die Richtlinie verlangt eine.</translation>
    </message>
    <message>
        <source>The requesters see your reason.</source>
        <translation>Die Antragsteller sehen Ihre Begründung.</translation>
    </message>
    <message>
        <source>A reason is optional here; the requesters see it.</source>
        <translation>Eine Begründung ist hier optional. Die Antragsteller sehen sie.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Select a request to see its details.</source>
        <translation>Wählen Sie eine Anforderung aus, um die Details zu sehen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 requests selected&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1 Anforderungen ausgewählt&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; asks for &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>Anforderung von &lt;b&gt;%1&lt;/b&gt;: &lt;b&gt;%2&lt;/b&gt;</translation>
    </message>
    <message>
        <source> for %1</source>
        <translation> für %1</translation>
    </message>
    <message>
        <source>Justification: %1</source>
        <translation>Begründung: %1</translation>
    </message>
    <message>
        <source>Ticket: %1</source>
        <translation>Ticket: %1</translation>
    </message>
    <message>
        <source>Requested %1 (%2)</source>
        <translation>Angefordert am %1 (%2)</translation>
    </message>
    <message>
        <source>; lapses %1 unless decided</source>
        <translation>; verfällt am %1, falls nicht entschieden</translation>
    </message>
    <message>
        <source>Stage %1</source>
        <translation>Stufe %1</translation>
    </message>
    <message>
        <source>; other approvers: %1</source>
        <translation>; weitere Genehmiger: %1</translation>
    </message>
    <message>
        <source>Working online only: the offline cache could not be opened.</source>
        <translation>Nur online: Der Offlinecache konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>Offline, and no requests were ever loaded.</source>
        <translation>Offline, und es wurden noch nie Anforderungen geladen.</translation>
    </message>
    <message>
        <source>Offline: requests as of %1 (%2). Decisions wait in the outbox until the server answers.</source>
        <translation>Offline: Anforderungen (Stand: %1, %2). Entscheidungen warten im Postausgang, bis der Server antwortet.</translation>
    </message>
    <message>
        <source>Signed out. Sign in to see the requests waiting for you.</source>
        <translation>Abgemeldet. Melden Sie sich an, um die Anforderungen zu sehen, die auf Sie warten.</translation>
    </message>
    <message>
        <source>Signed out: requests as of %1 (%2). Sign in to refresh them.</source>
        <translation>Abgemeldet: Anforderungen (Stand: %1, %2). Melden Sie sich an, um sie zu aktualisieren.</translation>
    </message>
    <message>
        <source>Loading the requests waiting for you…</source>
        <translation>Die Anforderungen, die auf Sie warten, werden geladen…</translation>
    </message>
    <message>
        <source>Nothing waits for you. Updated %1.</source>
        <translation>Nichts wartet auf Sie. Aktualisiert %1.</translation>
    </message>
    <message>
        <source>1 request waits for you. Updated %1.</source>
        <translation>1 Anforderung wartet auf Sie. Aktualisiert %1.</translation>
    </message>
    <message>
        <source>%1 requests wait for you. Updated %2.</source>
        <translation>%1 Anforderungen warten auf Sie. Aktualisiert %2.</translation>
    </message>
    <message>
        <source>New request from %1</source>
        <translation>Neue Anforderung von %1</translation>
    </message>
    <message>
        <source>%1 asks for %2: %3</source>
        <translation>%1 fordert %2 an: %3</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>%1 new requests</source>
        <translation>%1 neue Anforderungen</translation>
    </message>
    <message>
        <source>%1 requests wait for your approval.</source>
        <translation>%1 Anforderungen warten auf Ihre Genehmigung.</translation>
    </message>
    <message>
        <source>Request approved.</source>
        <translation>Anforderung genehmigt.</translation>
    </message>
    <message>
        <source>Request denied.</source>
        <translation>Anforderung verweigert.</translation>
    </message>
    <message>
        <source>%1 requests approved.</source>
        <translation>%1 Anforderungen genehmigt.</translation>
    </message>
    <message>
        <source>%1 requests denied.</source>
        <translation>%1 Anforderungen verweigert.</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::AuditPane</name>
    <message>
        <source>The local audit archive could not be opened. Restart Elevate to try again.</source>
        <translation>Das lokale Überwachungsarchiv konnte nicht geöffnet werden. Starten Sie Elevate neu, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>The audit archive could not be read. Try again.</source>
        <translation>Das Überwachungsarchiv konnte nicht gelesen werden. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Überwachung</translation>
    </message>
    <message>
        <source>Time range</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Letzte 90 Tage</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>Benutzerdefiniert…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Initiated by</source>
        <translation>Initiiert von</translation>
    </message>
    <message>
        <source>A person&apos;s name or id, or an application</source>
        <translation>Name oder ID einer Person oder eine Anwendung</translation>
    </message>
    <message>
        <source>Role or group</source>
        <translation>Rolle oder Gruppe</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>All activities</source>
        <translation>Alle Aktivitäten</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>All results</source>
        <translation>Alle Ergebnisse</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Search (Ctrl+F)</source>
        <translation>Suchen (Strg+F)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <source>Export the filtered events</source>
        <translation>Gefilterte Ereignisse exportieren</translation>
    </message>
    <message>
        <source>Save the events that match the filter as CSV or JSON</source>
        <translation>Die Ereignisse, die dem Filter entsprechen, als CSV oder JSON speichern</translation>
    </message>
    <message>
        <source>Matching events</source>
        <translation>Passende Ereignisse</translation>
    </message>
    <message>
        <source>&amp;Chart</source>
        <translation>Dia&amp;gramm</translation>
    </message>
    <message>
        <source>Show the activations chart</source>
        <translation>Aktivierungsdiagramm anzeigen</translation>
    </message>
    <message>
        <source>Show or hide activations per day</source>
        <translation>Aktivierungen pro Tag ein- oder ausblenden</translation>
    </message>
    <message>
        <source>Audit events</source>
        <translation>Überwachungsereignisse</translation>
    </message>
    <message>
        <source>Event details</source>
        <translation>Ereignisdetails</translation>
    </message>
    <message>
        <source>Select an event to see everything it records.</source>
        <translation>Wählen Sie ein Ereignis aus, um alle erfassten Angaben zu sehen.</translation>
    </message>
    <message>
        <source>Activations per day</source>
        <translation>Aktivierungen pro Tag</translation>
    </message>
    <message>
        <source>no single person or app is called “%1”: pick one from the list</source>
        <translation>keine eindeutige Person oder App namens „%1“: Wählen Sie einen Eintrag aus der Liste</translation>
    </message>
    <message>
        <source>no single role or group is called “%1”: pick one from the list</source>
        <translation>keine eindeutige Rolle oder Gruppe namens „%1“: Wählen Sie einen Eintrag aus der Liste</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt…</translation>
    </message>
    <message>
        <source>1 event</source>
        <translation>1 Ereignis</translation>
    </message>
    <message numerus="yes">
        <source>%Ln events</source>
        <translation>
            <numerusform>%Ln Ereignis</numerusform>
            <numerusform>%Ln Ereignisse</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>This account cannot read the audit log. Ask an administrator for the auditor role.</source>
        <translation>Dieses Konto kann das Überwachungsprotokoll nicht lesen. Bitten Sie einen Administrator um die Rolle „Auditor“.</translation>
    </message>
    <message>
        <source>Offline: the audit log has not been downloaded yet.</source>
        <translation>Offline: Das Überwachungsprotokoll wurde noch nicht heruntergeladen.</translation>
    </message>
    <message>
        <source>Offline: showing the audit log as of %1.</source>
        <translation>Offline: Überwachungsprotokoll (Stand: %1).</translation>
    </message>
    <message>
        <source>The server asked to wait; the audit log follows shortly.</source>
        <translation>Der Server drosselt die Anfragen. Das Überwachungsprotokoll folgt in Kürze.</translation>
    </message>
    <message>
        <source>The server asked to wait: showing the audit log as of %1.</source>
        <translation>Der Server drosselt die Anfragen: Überwachungsprotokoll (Stand: %1).</translation>
    </message>
    <message>
        <source>Sign in to download the audit log.</source>
        <translation>Melden Sie sich an, um das Überwachungsprotokoll herunterzuladen.</translation>
    </message>
    <message>
        <source>Signed out: showing the audit log as of %1. Sign in to update it.</source>
        <translation>Abgemeldet: Überwachungsprotokoll (Stand: %1). Melden Sie sich an, um es zu aktualisieren.</translation>
    </message>
    <message>
        <source>The audit log could not be downloaded. Press F5 to try again.</source>
        <translation>Das Überwachungsprotokoll konnte nicht heruntergeladen werden. Drücken Sie F5, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>Could not update the audit log; showing it as of %1. Press F5 to try again.</source>
        <translation>Das Überwachungsprotokoll konnte nicht aktualisiert werden (Stand: %1). Drücken Sie F5, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Aktualisiert %1</translation>
    </message>
    <message>
        <source>Downloading the audit log…</source>
        <translation>Das Überwachungsprotokoll wird heruntergeladen…</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Vorgang</translation>
    </message>
    <message>
        <source>Correlation id</source>
        <translation>Korrelations-ID</translation>
    </message>
    <message>
        <source>Event id</source>
        <translation>Ereignis-ID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>User id</source>
        <translation>Benutzer-ID</translation>
    </message>
    <message>
        <source>IP address</source>
        <translation>IP-Adresse</translation>
    </message>
    <message>
        <source>User type</source>
        <translation>Benutzertyp</translation>
    </message>
    <message>
        <source>Home tenant</source>
        <translation>Basismandant</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>Anwendung</translation>
    </message>
    <message>
        <source>Application id</source>
        <translation>Anwendungs-ID</translation>
    </message>
    <message>
        <source>Service principal</source>
        <translation>Dienstprinzipal</translation>
    </message>
    <message>
        <source>Service principal id</source>
        <translation>Dienstprinzipal-ID</translation>
    </message>
    <message>
        <source>Initiator</source>
        <translation>Initiator</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Target: %1</source>
        <translation>Ziel: %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Group type</source>
        <translation>Gruppentyp</translation>
    </message>
    <message>
        <source>Modified properties</source>
        <translation>Geänderte Eigenschaften</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
    <message>
        <source>Additional details</source>
        <translation>Weitere Details</translation>
    </message>
    <message>
        <source>Same request</source>
        <translation>Dieselbe Anfrage</translation>
    </message>
    <message>
        <source>No other events share this correlation id.</source>
        <translation>Kein anderes Ereignis hat diese Korrelations-ID.</translation>
    </message>
    <message>
        <source>The audit events could not be saved. Choose another folder and try again.</source>
        <translation>Die Überwachungsereignisse konnten nicht gespeichert werden. Wählen Sie einen anderen Ordner, und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Saved the filtered events to %1.</source>
        <translation>Die gefilterten Ereignisse wurden in %1 gespeichert.</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Export audit events</source>
        <translation>Überwachungsereignisse exportieren</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::MainWindow</name>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Anmeldung läuft…</translation>
    </message>
    <message>
        <source>Throttled by the server</source>
        <translation>Vom Server gedrosselt</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <source>Elevate</source>
        <translation>Elevate</translation>
    </message>
    <message>
        <source>Panes</source>
        <translation>Bereiche</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Welcome to Elevate&lt;/h2&gt;&lt;p&gt;Add a profile for your Microsoft Entra tenant or your organisation&apos;s elevated server to see your roles, approvals, reviews and audit history.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Willkommen bei Elevate&lt;/h2&gt;&lt;p&gt;Fügen Sie ein Profil für Ihren Microsoft Entra-Mandanten oder den elevated-Server Ihrer Organisation hinzu, um Ihre Rollen, Genehmigungen, Überprüfungen und den Überwachungsverlauf zu sehen.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Add a profile…</source>
        <translation>Profil hinzufügen…</translation>
    </message>
    <message>
        <source>Show Elevate</source>
        <translation>Elevate anzeigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Add Profile…</source>
        <translation>Profil &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Sign &amp;In</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <source>Sign &amp;Out</source>
        <translation>Ab&amp;melden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>Run the Pane&apos;s &amp;Main Action</source>
        <translation>&amp;Hauptaktion des Bereichs ausführen</translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation>&amp;Synchronisierung</translation>
    </message>
    <message>
        <source>Sync &amp;Everything Now</source>
        <translation>&amp;Alles jetzt synchronisieren</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Elevate</source>
        <translation>&amp;Über Elevate</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptsymbolleiste</translation>
    </message>
    <message>
        <source>Demo persona:</source>
        <translation>Demo-Person:</translation>
    </message>
    <message>
        <source>Demo persona</source>
        <translation>Demo-Person</translation>
    </message>
    <message>
        <source>See the console as another person of the demo organisation</source>
        <translation>Die Konsole aus Sicht einer anderen Person der Demo-Organisation anzeigen</translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation>Profil:</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>No keychain: you stay signed in for this session only</source>
        <translation>Kein Schlüsselbund: Sie bleiben nur für diese Sitzung angemeldet</translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation>Letzte Synchronisierung</translation>
    </message>
    <message>
        <source>No profile</source>
        <translation>Kein Profil</translation>
    </message>
    <message>
        <source>Online only</source>
        <translation>Nur online</translation>
    </message>
    <message>
        <source>No offline cache</source>
        <translation>Kein Offlinecache</translation>
    </message>
    <message>
        <source>%1, %2 waiting</source>
        <translation>%1, %2 ausstehend</translation>
    </message>
    <message>
        <source>The server cannot be reached. You see the data cached %1; review decisions are kept and sent when it answers again.</source>
        <translation>Der Server ist nicht erreichbar. Sie sehen die Daten aus dem Cache (Stand: %1). Überprüfungsentscheidungen werden gespeichert und gesendet, sobald er wieder antwortet.</translation>
    </message>
    <message>
        <source>earlier</source>
        <translation>früher</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>You are signed out. Sign in to see current data.</source>
        <translation>Sie sind abgemeldet. Melden Sie sich an, um aktuelle Daten zu sehen.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation>Noch nicht synchronisiert</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Synced %1</source>
        <translation>Synchronisiert %1</translation>
    </message>
    <message>
        <source>About Elevate</source>
        <translation>Über Elevate</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Elevate %1&lt;/h3&gt;&lt;p&gt;Just-in-time privileged access for Microsoft Entra ID and the self-hosted elevated server.&lt;/p&gt;&lt;p&gt;Open source.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Elevate %1&lt;/h3&gt;&lt;p&gt;Privilegierter Just-in-Time-Zugriff für Microsoft Entra ID und den selbst gehosteten elevated-Server.&lt;/p&gt;&lt;p&gt;Open Source.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Dark Palette</source>
        <translation>&amp;Dunkle Farbpalette</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::MessageBanner</name>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Details kopieren</translation>
    </message>
    <message>
        <source>Copy the technical details</source>
        <translation>Technische Details kopieren</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Dismiss the message</source>
        <translation>Meldung schließen</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::MyRolesPane</name>
    <message>
        <source>Filter roles</source>
        <translation>Rollen filtern</translation>
    </message>
    <message>
        <source>Filter roles (Ctrl+F)</source>
        <translation>Rollen filtern (Strg+F)</translation>
    </message>
    <message>
        <source>My roles</source>
        <translation>Meine Rollen</translation>
    </message>
    <message>
        <source>&amp;Activate…</source>
        <translation>A&amp;ktivieren…</translation>
    </message>
    <message>
        <source>Activate the selected roles (Ctrl+Enter)</source>
        <translation>Ausgewählte Rollen aktivieren (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>&amp;Deactivate</source>
        <translation>D&amp;eaktivieren</translation>
    </message>
    <message>
        <source>End the selected activations now</source>
        <translation>Ausgewählte Aktivierungen jetzt beenden</translation>
    </message>
    <message>
        <source>E&amp;xtend…</source>
        <translation>&amp;Verlängern…</translation>
    </message>
    <message>
        <source>Ask for more time on the selected active role</source>
        <translation>Mehr Zeit für die ausgewählte aktive Rolle anfordern</translation>
    </message>
    <message>
        <source>&amp;Cancel request</source>
        <translation>Anforderung a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Withdraw the selected pending requests</source>
        <translation>Ausgewählte ausstehende Anforderungen abbrechen</translation>
    </message>
    <message>
        <source>Your roles could not be read from the offline cache. Refresh to try again.</source>
        <translation>Ihre Rollen konnten nicht aus dem Offlinecache gelesen werden. Aktualisieren Sie, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>My Roles</source>
        <translation>Meine Rollen</translation>
    </message>
    <message>
        <source>Working online only: the offline cache could not be opened.</source>
        <translation>Nur online: Der Offlinecache konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>Offline, and your roles were never loaded. They appear once the server answers.</source>
        <translation>Offline, und Ihre Rollen wurden noch nie geladen. Sie erscheinen, sobald der Server antwortet.</translation>
    </message>
    <message>
        <source>Offline: showing your roles as of %1 (%2).</source>
        <translation>Offline: Ihre Rollen (Stand: %1, %2).</translation>
    </message>
    <message>
        <source>Signed out. Sign in to see your roles.</source>
        <translation>Abgemeldet. Melden Sie sich an, um Ihre Rollen zu sehen.</translation>
    </message>
    <message>
        <source>Signed out: showing your roles as of %1 (%2). Sign in to refresh them.</source>
        <translation>Abgemeldet: Ihre Rollen (Stand: %1, %2). Melden Sie sich an, um sie zu aktualisieren.</translation>
    </message>
    <message>
        <source>Loading your roles…</source>
        <translation>Ihre Rollen werden geladen…</translation>
    </message>
    <message>
        <source>Updated %1.</source>
        <translation>Aktualisiert %1.</translation>
    </message>
    <message>
        <source>%1 is deactivated.</source>
        <translation>%1 ist deaktiviert.</translation>
    </message>
    <message>
        <source>%1 roles deactivated.</source>
        <translation>%1 Rollen deaktiviert.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Request withdrawn.</source>
        <translation>Anforderung abgebrochen.</translation>
    </message>
    <message>
        <source>%1 ends soon</source>
        <translation>%1 endet bald</translation>
    </message>
    <message>
        <source>Your activation of %1 ends in %2. Extend it or activate it again if you still need it.</source>
        <translation>Ihre Aktivierung von %1 endet in %2. Verlängern Sie sie, oder aktivieren Sie die Rolle erneut, falls Sie sie noch brauchen.</translation>
    </message>
    <message>
        <source>Extend</source>
        <translation>Verlängern</translation>
    </message>
    <message>
        <source>Activate again</source>
        <translation>Erneut aktivieren</translation>
    </message>
    <message>
        <source>Request denied</source>
        <translation>Anforderung verweigert</translation>
    </message>
    <message>
        <source>Your request for %1 was denied.</source>
        <translation>Ihre Anforderung für %1 wurde verweigert.</translation>
    </message>
    <message>
        <source>Ask again</source>
        <translation>Erneut anfordern</translation>
    </message>
    <message>
        <source>Request approved</source>
        <translation>Anforderung genehmigt</translation>
    </message>
    <message>
        <source>%1 is active now.</source>
        <translation>%1 ist jetzt aktiv.</translation>
    </message>
    <message>
        <source>%1 is approved and starts as scheduled.</source>
        <translation>%1 ist genehmigt und beginnt wie geplant.</translation>
    </message>
    <message>
        <source>Deactivate %1 now?</source>
        <translation>%1 jetzt deaktivieren?</translation>
    </message>
    <message numerus="yes">
        <source>Deactivate %n roles now?</source>
        <translation>
            <numerusform>%n Rolle jetzt deaktivieren?</numerusform>
            <numerusform>%n Rollen jetzt deaktivieren?</numerusform>
        </translation>
    </message>
    <message>
        <source>The access ends at once. To use it again, activate it again (with approval where its policy asks for it).</source>
        <translation>Der Zugriff endet sofort. Um ihn wieder zu nutzen, aktivieren Sie ihn erneut (mit Genehmigung, wo die Richtlinie sie verlangt).</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Deaktivieren</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::ProfileDialog</name>
    <message>
        <source>Add a Profile</source>
        <translation>Profil hinzufügen</translation>
    </message>
    <message>
        <source>e.g. contoso</source>
        <translation>z. B. contoso</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Profilname</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Microsoft &amp;Entra ID tenant</source>
        <translation>Microsoft &amp;Entra ID-Mandant</translation>
    </message>
    <message>
        <source>Self-hosted &amp;elevated server</source>
        <translation>Selbst &amp;gehosteter elevated-Server</translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation>Backend:</translation>
    </message>
    <message>
        <source>Global</source>
        <translation>Global</translation>
    </message>
    <message>
        <source>US Government (GCC High)</source>
        <translation>US Government (GCC High)</translation>
    </message>
    <message>
        <source>US Government (DoD)</source>
        <translation>US Government (DoD)</translation>
    </message>
    <message>
        <source>China (21Vianet)</source>
        <translation>China (21Vianet)</translation>
    </message>
    <message>
        <source>&amp;Cloud:</source>
        <translation>&amp;Cloud:</translation>
    </message>
    <message>
        <source>contoso.onmicrosoft.com or the tenant ID</source>
        <translation>contoso.onmicrosoft.com oder die Mandanten-ID</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>&amp;Mandant:</translation>
    </message>
    <message>
        <source>optional: your organisation&apos;s app registration</source>
        <translation>optional: die App-Registrierung Ihrer Organisation</translation>
    </message>
    <message>
        <source>C&amp;lient ID:</source>
        <translation>C&amp;lient-ID:</translation>
    </message>
    <message>
        <source>Server &amp;address:</source>
        <translation>Serve&amp;radresse:</translation>
    </message>
    <message>
        <source>Add Profile</source>
        <translation>Profil hinzufügen</translation>
    </message>
    <message>
        <source>Give the profile a name.</source>
        <translation>Geben Sie dem Profil einen Namen.</translation>
    </message>
    <message>
        <source>A profile name uses letters, digits, &apos;.&apos;, &apos;-&apos; and &apos;_&apos;.</source>
        <translation>Ein Profilname darf nur Buchstaben, Ziffern, &apos;.&apos;, &apos;-&apos; und &apos;_&apos; enthalten.</translation>
    </message>
    <message>
        <source>There is already a profile called %1.</source>
        <translation>Es gibt bereits ein Profil namens %1.</translation>
    </message>
    <message>
        <source>Enter the tenant&apos;s domain or ID.</source>
        <translation>Geben Sie die Domäne oder ID des Mandanten ein.</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address.</source>
        <translation>Geben Sie die Adresse des Servers ein.</translation>
    </message>
    <message>
        <source>The server&apos;s address must start with https:// (plain http only on this computer).</source>
        <translation>Die Serveradresse muss mit https:// beginnen (unverschlüsseltes http nur auf diesem Computer).</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::ReviewsPane</name>
    <message>
        <source>My access reviews</source>
        <translation>Meine Zugriffsüberprüfungen</translation>
    </message>
    <message>
        <source>Decisions of the chosen review</source>
        <translation>Entscheidungen der gewählten Überprüfung</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Begründung</translation>
    </message>
    <message>
        <source>Reason for your decision</source>
        <translation>Begründung für Ihre Entscheidung</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>Approve the selected decisions</source>
        <translation>Ausgewählte Entscheidungen genehmigen</translation>
    </message>
    <message>
        <source>&amp;Deny</source>
        <translation>&amp;Verweigern</translation>
    </message>
    <message>
        <source>Deny the selected decisions</source>
        <translation>Ausgewählte Entscheidungen verweigern</translation>
    </message>
    <message>
        <source>Do&amp;n&apos;t know</source>
        <translation>&amp;Weiß nicht</translation>
    </message>
    <message>
        <source>Don&apos;t know for the selected decisions</source>
        <translation>„Weiß nicht“ für die ausgewählten Entscheidungen</translation>
    </message>
    <message>
        <source>Accept re&amp;commendations</source>
        <translation>&amp;Empfehlungen akzeptieren</translation>
    </message>
    <message>
        <source>Accept the recommendations for every decision not made yet</source>
        <translation>Empfehlungen für alle noch offenen Entscheidungen akzeptieren</translation>
    </message>
    <message>
        <source>Every decision not made yet takes its recommendation.</source>
        <translation>Jede noch offene Entscheidung übernimmt ihre Empfehlung.</translation>
    </message>
    <message>
        <source>S&amp;ync issues</source>
        <translation>S&amp;ynchronisierungsprobleme</translation>
    </message>
    <message>
        <source>Show sync issues</source>
        <translation>Synchronisierungsprobleme anzeigen</translation>
    </message>
    <message>
        <source>Find a person</source>
        <translation>Person suchen</translation>
    </message>
    <message>
        <source>Find a person (Ctrl+F)</source>
        <translation>Person suchen (Strg+F)</translation>
    </message>
    <message>
        <source>The offline cache could not be opened: access reviews are not available in this profile.</source>
        <translation>Der Offlinecache konnte nicht geöffnet werden: Zugriffsüberprüfungen sind in diesem Profil nicht verfügbar.</translation>
    </message>
    <message>
        <source>The server refused a review decision. Retry or discard it in Sync issues.</source>
        <translation>Der Server hat eine Überprüfungsentscheidung abgelehnt. Senden Sie sie unter „Synchronisierungsprobleme“ erneut, oder verwerfen Sie sie.</translation>
    </message>
    <message>
        <source>Access Reviews</source>
        <translation>Zugriffsüberprüfungen</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>This review has not started yet.</source>
        <translation>Diese Überprüfung hat noch nicht begonnen.</translation>
    </message>
    <message>
        <source>This review has ended: decisions can no longer be changed.</source>
        <translation>Diese Überprüfung ist beendet: Entscheidungen können nicht mehr geändert werden.</translation>
    </message>
    <message>
        <source>No access review is assigned to you.</source>
        <translation>Ihnen ist keine Zugriffsüberprüfung zugewiesen.</translation>
    </message>
    <message>
        <source>This review asks for a reason to approve.</source>
        <translation>Diese Überprüfung verlangt eine Begründung für die Genehmigung.</translation>
    </message>
    <message>
        <source>S&amp;ync issues (%1)</source>
        <translation>S&amp;ynchronisierungsprobleme (%1)</translation>
    </message>
    <message>
        <source>Refused by the server: %1. Retry or discard them.</source>
        <translation>Vom Server abgelehnt: %1. Senden Sie sie erneut, oder verwerfen Sie sie.</translation>
    </message>
    <message>
        <source>S&amp;ync issues (%1 waiting)</source>
        <translation>S&amp;ynchronisierungsprobleme (%1 ausstehend)</translation>
    </message>
    <message>
        <source>Not sent yet: %1. They go out when the server answers.</source>
        <translation>Noch nicht gesendet: %1. Sie werden gesendet, sobald der Server antwortet.</translation>
    </message>
    <message>
        <source>Nothing is waiting to be sent.</source>
        <translation>Es wartet nichts auf den Versand.</translation>
    </message>
    <message>
        <source>Loading your access reviews…</source>
        <translation>Ihre Zugriffsüberprüfungen werden geladen…</translation>
    </message>
    <message>
        <source>Updated %1.</source>
        <translation>Aktualisiert %1.</translation>
    </message>
    <message>
        <source>Offline, and your access reviews were never loaded. They appear when the server answers.</source>
        <translation>Offline, und Ihre Zugriffsüberprüfungen wurden noch nie geladen. Sie erscheinen, sobald der Server antwortet.</translation>
    </message>
    <message>
        <source>Offline: showing your reviews as of %1. Decisions you make are kept and sent when the server answers.</source>
        <translation>Offline: Ihre Überprüfungen (Stand: %1). Ihre Entscheidungen werden gespeichert und gesendet, sobald der Server antwortet.</translation>
    </message>
    <message>
        <source>The server asked to slow down: showing your reviews as of %1. Decisions are sent shortly.</source>
        <translation>Der Server drosselt die Anfragen: Ihre Überprüfungen (Stand: %1). Entscheidungen werden in Kürze gesendet.</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Anmeldung läuft…</translation>
    </message>
    <message>
        <source>Signed out: showing your reviews as of %1. Sign in again to send your decisions.</source>
        <translation>Abgemeldet: Ihre Überprüfungen (Stand: %1). Melden Sie sich erneut an, um Ihre Entscheidungen zu senden.</translation>
    </message>
    <message>
        <source>This review asks for a reason to approve. Type one, then approve again.</source>
        <translation>Diese Überprüfung verlangt eine Begründung für die Genehmigung. Geben Sie eine ein, und genehmigen Sie erneut.</translation>
    </message>
    <message>
        <source>Not applied: %1 decisions. See Sync issues.</source>
        <translation>Nicht übernommen: %1 Entscheidungen. Siehe „Synchronisierungsprobleme“.</translation>
    </message>
    <message>
        <source>Recorded offline: %1. Sent when the server answers.</source>
        <translation>Offline erfasst: %1. Wird gesendet, sobald der Server antwortet.</translation>
    </message>
    <message>
        <source>1 decision</source>
        <translation>1 Entscheidung</translation>
    </message>
    <message>
        <source>%1 decisions</source>
        <translation>%1 Entscheidungen</translation>
    </message>
    <message>
        <source>Recorded: %1.</source>
        <translation>Erfasst: %1.</translation>
    </message>
    <message>
        <source>Recommendations accepted offline: sent when the server answers.</source>
        <translation>Empfehlungen offline akzeptiert: Sie werden gesendet, sobald der Server antwortet.</translation>
    </message>
    <message>
        <source>Recommendations accepted.</source>
        <translation>Empfehlungen akzeptiert.</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sign in to %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;Bei %1 anmelden&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 asks you to confirm who you are&lt;/b&gt;&lt;br&gt;This action needs a fresh sign-in with your second factor.</source>
        <translation>&lt;b&gt;%1 bittet Sie, Ihre Identität zu bestätigen&lt;/b&gt;&lt;br&gt;Diese Aktion erfordert eine erneute Anmeldung mit Ihrem zweiten Faktor.</translation>
    </message>
    <message>
        <source>Your browser has opened the sign-in page. Finish there; this window closes by itself.</source>
        <translation>Ihr Browser hat die Anmeldeseite geöffnet. Schließen Sie die Anmeldung dort ab. Dieses Fenster schließt sich von selbst.</translation>
    </message>
    <message>
        <source>Open the Page Again</source>
        <translation>Seite erneut öffnen</translation>
    </message>
    <message>
        <source>Sign-in code</source>
        <translation>Anmeldecode</translation>
    </message>
    <message>
        <source>&amp;Copy Code</source>
        <translation>&amp;Code kopieren</translation>
    </message>
    <message>
        <source>&amp;Open the Sign-in Page</source>
        <translation>Anmeldeseite ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Use a Code Instead</source>
        <translation>Stattdessen einen Code verwenden</translation>
    </message>
    <message>
        <source>Asking the server for a code…</source>
        <translation>Code wird beim Server angefordert…</translation>
    </message>
    <message>
        <source>On any device, open &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt; and enter this code:</source>
        <translation>Öffnen Sie auf einem beliebigen Gerät &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt;, und geben Sie diesen Code ein:</translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::SyncIssuesDialog</name>
    <message>
        <source>Sync issues</source>
        <translation>Synchronisierungsprobleme</translation>
    </message>
    <message>
        <source>Decisions waiting or refused</source>
        <translation>Ausstehende oder abgelehnte Entscheidungen</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Send the selected decisions again</source>
        <translation>Ausgewählte Entscheidungen erneut senden</translation>
    </message>
    <message>
        <source>Send the selected decisions again.</source>
        <translation>Die ausgewählten Entscheidungen erneut senden.</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>Discard the selected decisions</source>
        <translation>Ausgewählte Entscheidungen verwerfen</translation>
    </message>
    <message>
        <source>Give up the selected decisions: they will not be sent.</source>
        <translation>Die ausgewählten Entscheidungen aufgeben: Sie werden nicht gesendet.</translation>
    </message>
    <message>
        <source>Everything you decided has been sent.</source>
        <translation>Alle Ihre Entscheidungen wurden gesendet.</translation>
    </message>
    <message>
        <source>Waiting to be sent: %1. They go out when the server answers.</source>
        <translation>Warten auf Versand: %1. Sie werden gesendet, sobald der Server antwortet.</translation>
    </message>
    <message>
        <source>Refused by the server: %1. Retry once the cause is fixed, or discard.</source>
        <translation>Vom Server abgelehnt: %1. Senden Sie sie erneut, sobald die Ursache behoben ist, oder verwerfen Sie sie.</translation>
    </message>
    <message numerus="yes">
        <source>Discard %n decisions?</source>
        <translation>
            <numerusform>%n Entscheidung verwerfen?</numerusform>
            <numerusform>%n Entscheidungen verwerfen?</numerusform>
        </translation>
    </message>
    <message>
        <source>They will not be sent, and the server keeps what it has. This cannot be undone.</source>
        <translation>Sie werden nicht gesendet, und der Server behält, was er hat. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Discard this decision?</source>
        <translation>Diese Entscheidung verwerfen?</translation>
    </message>
</context>
<context>
    <name>Elevate::Workspace</name>
    <message>
        <source>The offline cache folder %1 cannot be created; working online only.</source>
        <translation>Der Ordner %1 für den Offlinecache kann nicht erstellt werden. Es wird nur online gearbeitet.</translation>
    </message>
    <message>
        <source>The offline cache cannot be opened (%1); working online only.</source>
        <translation>Der Offlinecache kann nicht geöffnet werden (%1). Es wird nur online gearbeitet.</translation>
    </message>
    <message>
        <source>The outbox cannot be opened (%1); working online only.</source>
        <translation>Der Postausgang kann nicht geöffnet werden (%1). Es wird nur online gearbeitet.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Just-in-time privileged access for Microsoft Entra ID and the self-hosted elevated server.</source>
        <translation>Privilegierter Just-in-Time-Zugriff für Microsoft Entra ID und den selbst gehosteten elevated-Server.</translation>
    </message>
    <message>
        <source>Start an embedded elevated with a demo organisation and sign in as one of its people.</source>
        <translation>Einen eingebetteten elevated-Server mit einer Demo-Organisation starten und sich als eine ihrer Personen anmelden.</translation>
    </message>
    <message>
        <source>Demo: who signs in first (alex, megan, diego, isaiah, adele).</source>
        <translation>Demo: wer sich zuerst anmeldet (alex, megan, diego, isaiah, adele).</translation>
    </message>
    <message>
        <source>The profile to open.</source>
        <translation>Das zu öffnende Profil.</translation>
    </message>
    <message>
        <source>The pane to show first (roles, approvals, reviews, audit, alerts).</source>
        <translation>Der zuerst angezeigte Bereich (roles, approvals, reviews, audit, alerts).</translation>
    </message>
</context>
</TS>
