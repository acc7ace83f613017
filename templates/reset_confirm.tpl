{{%AUTOESCAPE context="HTML"}}<h1>Confirm the new password</h1>
<p>Someone proved they own this account and chose a new password. It takes effect on <time datetime="{{DEADLINE_ISO}}">{{DEADLINE}}</time> on its own. Press the button only if it was you: the new password then works at once, and every session is logged out.</p>
<form method="post" action="{{BASE}}/reset/confirm">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_T}}<input type="hidden" name="t" value="{{T}}">{{/HAS_T}}
{{#NEED_CODE}}<p><label for="code">Code from your authenticator</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_CODE}}
<p><button type="submit">Yes, it was me: use the new password now</button></p>
</form>
{{#HAS_T}}<p>Not you? Do not press the button: use the stop link from the same message instead.</p>{{/HAS_T}}
{{#NEED_CODE}}<p>Not you? Do not press the button: stop the change with your password in the banner above.</p>{{/NEED_CODE}}
