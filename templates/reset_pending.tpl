{{%AUTOESCAPE context="HTML"}}<h1>Your new password is waiting</h1>
<p class="notice" role="status">Your new password takes effect in {{DELAY}}. Until then your old password keeps working.</p>
{{#REPLACED}}<p>This replaces a password change that was already waiting.</p>{{/REPLACED}}
<p>We have told every confirmed address and phone of the account. If this was not you, use the link in any of those messages to stop it.</p>
<p>To skip the wait, press the confirm link we mailed to your other addresses, or use a browser where you were already logged in: it shows a button to confirm.</p>
