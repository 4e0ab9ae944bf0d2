<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Elevate::Console</name>
    <message>
        <source>Demo organisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting the demo organisation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo server could not start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The offline cache was damaged and has been rebuilt; it refills from the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo runs with its own organisation. Start Elevate without --demo to add your own profiles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile could not be saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in did not complete. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are signed out. The cached data stays readable; sign in to see current data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::DemoBackend</name>
    <message>
        <source>requester</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approver</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reviewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auditor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::Models::Format</name>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>just now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::Session</name>
    <message>
        <source>The server could not be reached. Check the connection and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not answer in time. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is busy. Try again in %1 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is busy. Try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server failed to answer. Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are signed out. Sign in again (elevatectl login).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found: it may have been removed or decided already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already decided: someone acted on this first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This role needs a stronger sign-in (authentication context).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The role&apos;s policy refused the request; failed rules: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s answer could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The role is already active.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A request for this role is already waiting for approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A role can only be deactivated 5 minutes after it was activated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is nothing to act on: the role is not eligible or not active.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not eligible for &apos;%1&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is ambiguous: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: %1 breaks its policy.
%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: waiting for approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs a stronger sign-in, which did not complete (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not active.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 deactivated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not one of your roles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group access cannot be extended by its member; deactivate and activate again, or ask an admin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: extension %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still waiting for approval; stopped waiting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request %1 canceled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: nothing for you to decide (not your approval, or already decided).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 approved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 denied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;%1&apos; names several reviews; use its id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No open review &apos;%1&apos; for you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No open review &apos;%1&apos; in the offline cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No decision &apos;%1&apos; is assigned to you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decision %1 recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decisions recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recommendations accepted for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activations are never queued offline: the server checks the role&apos;s policy (approval, MFA, duration) when you ask, so ask again when it can be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My roles have never been pulled into the offline cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests have never been pulled into the offline cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access reviews have never been pulled into the offline cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The decision could not be recorded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded in the outbox (item %1): the server cannot be reached now; it will be sent, once, when it answers again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The decision was discarded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not applied: %1 (kept in the outbox as item %2: retry or discard it).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::SyncEngine</name>
    <message>
        <source>The recorded review decision cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recorded batch of review decisions cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recorded review cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recorded approval decision cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown outbox item.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::MainWindow</name>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Throttled by the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Elevate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Panes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h2&gt;Welcome to Elevate&lt;/h2&gt;&lt;p&gt;Add a profile for your Microsoft Entra tenant or your organisation&apos;s elevated server to see your roles, approvals, reviews and audit history.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Elevate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add Profile…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the Pane&apos;s &amp;Main Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync &amp;Everything Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Elevate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo persona:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo persona</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See the console as another person of the demo organisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain: you stay signed in for this session only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Online only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No offline cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2 waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server cannot be reached. You see the data cached %1; review decisions are kept and sent when it answers again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>earlier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are signed out. Sign in to see current data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not synced yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Elevate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Elevate %1&lt;/h3&gt;&lt;p&gt;Just-in-time privileged access for Microsoft Entra ID and the self-hosted elevated server.&lt;/p&gt;&lt;p&gt;Open source.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::MessageBanner</name>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the technical details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss the message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::ProfileDialog</name>
    <message>
        <source>Add a Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. contoso</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Microsoft &amp;Entra ID tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Self-hosted &amp;elevated server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Global</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>US Government (GCC High)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>US Government (DoD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>China (21Vianet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cloud:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>contoso.onmicrosoft.com or the tenant ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: your organisation&apos;s app registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;lient ID:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server &amp;address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the profile a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A profile name uses letters, digits, &apos;.&apos;, &apos;-&apos; and &apos;_&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is already a profile called %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the tenant&apos;s domain or ID.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server&apos;s address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s address must start with https:// (plain http only on this computer).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::Ui::SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Sign in to %1&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 asks you to confirm who you are&lt;/b&gt;&lt;br&gt;This action needs a fresh sign-in with your second factor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your browser has opened the sign-in page. Finish there; this window closes by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the Page Again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open the Sign-in Page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use a Code Instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking the server for a code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On any device, open &lt;a href=&quot;%1&quot;&gt;%2&lt;/a&gt; and enter this code:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Elevate::Workspace</name>
    <message>
        <source>The offline cache folder %1 cannot be created; working online only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The offline cache cannot be opened (%1); working online only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The outbox cannot be opened (%1); working online only.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Just-in-time privileged access for Microsoft Entra ID and the self-hosted elevated server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start an embedded elevated with a demo organisation and sign in as one of its people.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo: who signs in first (alex, megan, diego, isaiah, adele).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The profile to open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The pane to show first (roles, approvals, reviews, audit, alerts).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
