{{%AUTOESCAPE context="HTML"}}<h1>Email address</h1>
{{#SENT}}<p class="notice" role="status">We sent a link to the new address. Your address changes when someone presses the button on that link's page; until then the current one stays in force.</p>{{/SENT}}
{{#CHANGED}}<p class="notice" role="status">Your new address is confirmed and in force. Your old address was told, with a link to undo the change.</p>{{/CHANGED}}
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<p>Your address is <strong id="current-email">{{EMAIL}}</strong>. It is where we send recovery codes and notices.</p>
{{#WAITING}}<p class="warning" role="status">A change to <strong>{{WAITING_FOR}}</strong> is waiting for its confirmation link to be used.</p>{{/WAITING}}
<h2>Change it</h2>
<form method="post" action="{{BASE}}/email">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="email">New email address</label>
<input id="email" name="email" type="email" value="{{TYPED}}" required maxlength="254" autocomplete="email"></p>
<p><label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required
 aria-describedby="password-help">
<small id="password-help">Your address is a way into your account, so changing it needs your password{{#NEED_CODE}} and a code from your authenticator{{/NEED_CODE}}.</small></p>
{{#NEED_CODE}}<p><label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_CODE}}
<p><button type="submit">Send a confirmation link</button></p>
</form>
<p><a href="{{BASE}}/account">Back to your account</a></p>
