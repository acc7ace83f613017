{{%AUTOESCAPE context="HTML"}}<h1>Recovery code</h1>
<p>A recovery code is one of the proofs that let you reset your password. Write it on paper, print it or download it, and keep it somewhere safe. Postern keeps only a fingerprint of it: a new code is shown for {{VIEW_MINUTES}} minutes, in the browser that made it, until you say you saved it.</p>
{{#UNSAVED}}<p class="notice" role="status">You made a code on <time datetime="{{UNSAVED_AT_ISO}}">{{UNSAVED_AT}}</time> and have not said yet that you saved it. <a href="{{BASE}}/contacts/recovery-code/new">Show it again</a></p>{{/UNSAVED}}
{{#HAS_CODE}}<p>You made your current code on <time datetime="{{SINCE_ISO}}">{{SINCE}}</time>. A new one replaces it: the old one stops working.</p>{{/HAS_CODE}}
{{#NO_CODE}}<p>You have no recovery code yet.</p>{{/NO_CODE}}
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<form method="post" action="{{BASE}}/contacts/recovery-code">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p>A recovery code is a way into your account, so making one needs your password{{#NEED_TOTP}} and your authenticator{{/NEED_TOTP}}.</p>
<p><label for="rc-password">Your password</label>
<input type="password" id="rc-password" name="password" autocomplete="current-password" required></p>
{{#NEED_TOTP}}<p><label for="rc-code">Code from your authenticator</label>
<input id="rc-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_TOTP}}
<p><button type="submit">Make a new recovery code</button></p>
</form>
<p><a href="{{BASE}}/contacts">Back to your contacts</a></p>
