{{%AUTOESCAPE context="HTML"}}<h1>Two-step verification</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
{{#ON}}<p>Two-step verification has been on since <time datetime="{{SINCE_ISO}}">{{SINCE}}</time>. Each login asks for a code from your authenticator app.</p>
<h2>Turn it off</h2>
<form method="post" action="{{BASE}}/contacts/2fa">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="disable" value="1">
<p><label for="password">Your password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required></p>
<p><label for="code">Code from your authenticator</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>
<p><button type="submit">Turn off</button></p>
</form>{{/ON}}
{{#OFF}}<p>With two-step verification, logging in needs a code from an authenticator app on your phone as well as your password.</p>
{{#NEED_PHONE}}<p class="warning" role="status" id="twofa-blocked">Two-step verification cannot be turned on yet: first add and confirm a recovery phone. If you lose the phone with your authenticator, a code sent to that phone gets you back in.</p>
<p><a href="{{BASE}}/contacts#value">Add a recovery phone</a></p>{{/NEED_PHONE}}
{{#NEED_CODE}}<p class="warning" role="status" id="twofa-blocked">Two-step verification cannot be turned on yet: first make a recovery code. If you lose the phone with your authenticator, the recovery code gets you back in.</p>
<p><a href="{{BASE}}/contacts/recovery-code">Make a recovery code</a></p>{{/NEED_CODE}}
{{#SETUP}}<h2>Set it up</h2>
<p>Your authenticator needs a key from us. It is a way into your account, so we show it after you type your password, once.</p>
<form method="post" action="{{BASE}}/contacts/2fa">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="setup-password">Your password</label>
<input type="password" id="setup-password" name="password" autocomplete="current-password" required></p>
<p><button type="submit">Show the key for my authenticator</button></p>
</form>{{/SETUP}}
{{#SHOWN}}<ol>
<li>Scan this code with your authenticator app:
{{! QR is an SVG drawn by qr.c from the code's bitmap alone: no user text,
and no name either: the wrapper gives it the one a screen reader says. }}<div class="qr" role="img" aria-label="QR code for your authenticator app">{{QR:none}}</div>
On the phone with your authenticator? <a href="otpauth://{{URI_REST}}" id="totp-link">Open this key in your authenticator app</a>.</li>
<li>Or type this key into it by hand: <code id="totp-secret">{{SECRET}}</code>
<details><summary>Setup link</summary><code class="uri">otpauth://{{URI_REST}}</code></details></li>
<li>Within {{SETUP_MINUTES}} minutes, type the 6-digit code the app shows below. This key is not shown again: if the time passes, set up anew.</li>
</ol>{{/SHOWN}}
{{#PENDING}}<p>Added the key we showed you a few minutes ago to your app? Type the code it shows now to turn two-step verification on.</p>{{/PENDING}}
{{#CODE_FORM}}<form method="post" action="{{BASE}}/contacts/2fa">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="code">Code from your authenticator</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>
<p><button type="submit">Turn on</button></p>
</form>{{/CODE_FORM}}{{/OFF}}
<p><a href="{{BASE}}/contacts">Back to your contacts</a></p>
