{{%AUTOESCAPE context="HTML"}}<h1>Account activity</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<h2>Open sessions</h2>
<ul class="items" id="sessions">
{{#SESSION}}<li class="session">
<strong class="device">{{#BROWSER}}{{NAME}}{{/BROWSER}}{{#NO_BROWSER}}Unknown browser{{/NO_BROWSER}}{{#SYSTEM}} on {{NAME}}{{/SYSTEM}}</strong>{{#CURRENT}} <span class="badge ok">this browser</span>{{/CURRENT}}
<small>From <span class="ip">{{IP}}</span>. Started <time datetime="{{STARTED_ISO}}">{{STARTED}}</time>, last seen <time datetime="{{SEEN_ISO}}">{{SEEN}}</time>.</small>
<small class="agent">{{AGENT}}</small>
{{#END}}<form method="post" action="{{BASE}}/account/activity" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="session" value="{{ID}}">
<button type="submit" class="secondary">End this session<span class="visually-hidden"> from {{IP}}, started {{STARTED}}</span></button>
</form>{{/END}}
{{#CONFIRM}}<form method="post" action="{{BASE}}/account/activity" id="confirm-end">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="session" value="{{ID}}">
<p>Ending a session changes who is in your account, so it needs your password{{#NEED_TOTP}} and the code your authenticator shows{{/NEED_TOTP}}.</p>
<p><label for="end-password">Your password</label>
<input type="password" id="end-password" name="password" autocomplete="current-password" required></p>
{{#NEED_TOTP}}<p><label for="end-code">Code from your authenticator</label>
<input id="end-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_TOTP}}
<button type="submit">End the session from {{IP}}</button>
</form>{{/CONFIRM}}
</li>{{/SESSION}}
</ul>
{{#OTHERS}}<form method="post" action="{{BASE}}/account/activity" id="end-others">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="others" value="1">
<p>Someone else may be using your account? End every session but this one.</p>
<p><label for="others-password">Your password</label>
<input type="password" id="others-password" name="password" autocomplete="current-password" required></p>
{{#NEED_TOTP}}<p><label for="others-code">Code from your authenticator</label>
<input id="others-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_TOTP}}
<button type="submit">End all other sessions</button>
</form>{{/OTHERS}}
<h2>Security events</h2>
<table class="events" id="events">
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col">Detail</th></tr></thead>
<tbody>
{{! One row per event.  The What cell shows the section named after
the event's kind as the events table stores it (lib/event.c), UNKNOWN
for a kind this version does not know.  The Detail cell shows DETAIL
as it is (PLAIN_DETAIL), or, where it is a number, in words with the
kind's section, or, where it says why the event happened, the section
inside WHY named after the cause (enum event_why, lib/event.h), or, for
a reset's proofs, one PROOF per proof with the section of its kind.  Each
line ends inside a comment, so that no line end reaches the page. }}
{{#EVENT}}<tr class="event" data-kind="{{KIND}}"><td><time datetime="{{WHEN_ISO}}">{{WHEN}}</time></td><td>{{!
}}{{#signup}}Account created{{/signup}}{{!
}}{{#signup_address_taken}}Signup with an address already in use{{/signup_address_taken}}{{!
}}{{#email_verified}}Address verified{{/email_verified}}{{!
}}{{#login}}Logged in{{/login}}{{!
}}{{#login_password}}Password accepted, code still due{{/login_password}}{{!
}}{{#login_failed}}Failed login{{/login_failed}}{{!
}}{{#login_unknown}}Failed login with a name nobody has{{/login_unknown}}{{!
}}{{#login_2fa_failed}}Wrong two-step code at login{{/login_2fa_failed}}{{!
}}{{#login_locked}}Passwords refused for 15 minutes: too many wrong ones{{/login_locked}}{{!
}}{{#login_ip_locked}}Logins from one network refused for a while: too many wrong passwords{{/login_ip_locked}}{{!
}}{{#totp_failed}}Wrong authenticator code{{/totp_failed}}{{!
}}{{#totp_locked}}Authenticator codes refused for 15 minutes: too many wrong ones{{/totp_locked}}{{!
}}{{#password_failed}}Wrong password typed in a session{{/password_failed}}{{!
}}{{#logout}}Logged out{{/logout}}{{!
}}{{#session_ended}}Session ended{{/session_ended}}{{!
}}{{#sessions_ended}}Every other session ended{{/sessions_ended}}{{!
}}{{#contact_added}}Recovery contact added{{/contact_added}}{{!
}}{{#contact_verified}}Recovery contact confirmed{{/contact_verified}}{{!
}}{{#contact_removed}}Recovery contact removed{{/contact_removed}}{{!
}}{{#recovery_code_created}}New recovery code made{{/recovery_code_created}}{{!
}}{{#kit_created}}New recovery kit made{{/kit_created}}{{!
}}{{#twofa_enabled}}Two-step verification turned on{{/twofa_enabled}}{{!
}}{{#twofa_disabled}}Two-step verification turned off{{/twofa_disabled}}{{!
}}{{#domain_added}}Domain added{{/domain_added}}{{!
}}{{#domain_verified}}Domain verified{{/domain_verified}}{{!
}}{{#domain_removed}}Domain removed{{/domain_removed}}{{!
}}{{#email_change_requested}}Address change asked for{{/email_change_requested}}{{!
}}{{#email_changed}}Address changed{{/email_changed}}{{!
}}{{#email_reverted}}Address change undone{{/email_reverted}}{{!
}}{{#r1_refused}}Address or domain refused (rule R1){{/r1_refused}}{{!
}}{{#address_must_change}}Address must be replaced{{/address_must_change}}{{!
}}{{#reset_requested}}Password reset asked for: codes sent{{/reset_requested}}{{!
}}{{#reset_unknown}}Password reset asked for a name nobody has{{/reset_unknown}}{{!
}}{{#reset_locked}}Password reset asked for, refused: the hoster locked recovery{{/reset_locked}}{{!
}}{{#reset_limited}}Password reset asked for, no codes sent: too many asked already{{/reset_limited}}{{!
}}{{#reset_refused}}Password reset refused: a code or proof was wrong{{/reset_refused}}{{!
}}{{#reset_pending}}New password proven: it takes effect after the waiting time unless stopped{{/reset_pending}}{{!
}}{{#reset_applied}}Password reset: the new password is in effect{{/reset_applied}}{{!
}}{{#reset_rejected}}Pending password change stopped{{/reset_rejected}}{{!
}}{{#locked}}Recovery locked by the hoster{{/locked}}{{!
}}{{#unlocked}}Recovery unlocked by the hoster{{/unlocked}}{{!
}}{{#reset_cancelled}}Password resets cancelled by the hoster{{/reset_cancelled}}{{!
}}{{#disabled}}Account disabled by the hoster{{/disabled}}{{!
}}{{#enabled}}Account enabled again by the hoster{{/enabled}}{{!
}}{{#sessions_revoked}}Every session ended by the hoster{{/sessions_revoked}}{{!
}}{{#twofa_reset}}Two-step verification turned off by the hoster{{/twofa_reset}}{{!
}}{{#deleted}}Account deleted by the hoster{{/deleted}}{{!
}}{{#password_changed}}Password changed{{/password_changed}}{{!
}}{{#delete_requested}}Deletion of the account asked for{{/delete_requested}}{{!
}}{{#delete_cancelled}}Deletion of the account cancelled{{/delete_cancelled}}{{!
}}{{#account_exported}}Account data exported{{/account_exported}}{{!
}}{{#UNKNOWN}}{{KIND}}{{/UNKNOWN}}</td><td>{{IP}}</td><td>{{!
}}{{#sessions_ended}}other sessions ended: {{DETAIL}}{{/sessions_ended}}{{!
}}{{#password_changed}}other sessions ended: {{DETAIL}}{{/password_changed}}{{!
}}{{#sessions_revoked}}sessions ended: {{DETAIL}}{{/sessions_revoked}}{{!
}}{{#WHY}}{{!
}}{{#this_browser}}for a browser you logged in with before{{/this_browser}}{{!
}}{{#strangers}}for every browser you have not logged in with{{/strangers}}{{!
}}{{#every_browser}}for every browser that typed a wrong password within the hour: 100 wrong passwords in an hour{{/every_browser}}{{!
}}{{#twofa}}with two-step verification{{/twofa}}{{!
}}{{#hoster_lock}}recovery locked by the hoster{{/hoster_lock}}{{!
}}{{#hoster_disable}}account disabled by the hoster{{/hoster_disable}}{{!
}}{{#hoster_cancel}}cancelled by the hoster{{/hoster_cancel}}{{!
}}{{#owner_password}}you changed your password{{/owner_password}}{{!
}}{{#reset_without_totp}}by a reset proven without the authenticator{{/reset_without_totp}}{{!
}}{{#link}}with the link we mailed{{/link}}{{!
}}{{#email_revert}}an address change was undone{{/email_revert}}{{!
}}{{#confirmed}}confirmed before the waiting time was over{{/confirmed}}{{!
}}{{#deadline}}the waiting time was over{{/deadline}}{{!
}}{{/WHY}}{{!
}}{{#PROOFS}}proven with {{#PROOF}}{{!
}}{{#EMAIL}}a code mailed to you{{/EMAIL}}{{!
}}{{#PHONE}}a code sent to your phone{{/PHONE}}{{!
}}{{#RECOVERY_CODE}}your recovery code{{/RECOVERY_CODE}}{{!
}}{{#TOTP}}your authenticator{{/TOTP}}{{!
}}{{#KIT}}your recovery kit{{/KIT}}{{!
}}{{#PROOF_separator}}, {{/PROOF_separator}}{{/PROOF}}{{/PROOFS}}{{!
}}{{#PLAIN_DETAIL}}{{DETAIL}}{{/PLAIN_DETAIL}}</td></tr>
{{/EVENT}}</tbody>
</table>
