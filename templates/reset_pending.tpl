{{%AUTOESCAPE context="HTML"}}<h1>Your new password is waiting</h1>
{{#WAITING}}<p class="notice" role="status" id="reset-waiting">Your new password takes effect on <time datetime="{{DEADLINE_ISO}}">{{DEADLINE}}</time>. Until then your old password keeps working.</p>
{{#REPLACED}}<p>This replaces a password change that was already waiting.</p>{{/REPLACED}}
<p>We have told every confirmed address and phone of the account. If this was not you, use the link in any of those messages to stop it.</p>
<div id="reset-sooner">{{#MAILED}}<p>To skip the wait, press the confirm link we mailed to your other addresses.</p>{{/MAILED}}
{{#TWOFA}}<p>A browser that was logged in to the account before this reset can also make the new password work at once, with a code from your authenticator.</p>{{/TWOFA}}
{{#NOT_MAILED}}<p>Otherwise there is nothing more to do: the new password takes effect on its own at that time.</p>{{/NOT_MAILED}}</div>{{/WAITING}}
{{#GONE}}<p class="notice" role="status" id="reset-waiting">No password change of this browser is waiting any more: it has taken effect, or it was stopped. <a href="{{BASE}}/login">Log in</a>, or <a href="{{BASE}}/reset">start a reset again</a>.</p>{{/GONE}}
