{{%AUTOESCAPE context="HTML"}}<h1>Recovery kit</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
{{#SENT}}<p class="notice" role="status">A new kit is on its way: one half to your recovery email, the other to your hoster. Any older kit no longer works.</p>{{/SENT}}
<p>A recovery kit is a secret split in two: one half goes to your recovery email, the other to your hoster. Together they prove who you are when everything else is lost. Your hoster checks who is asking before handing over their half.</p>
{{#HAS_KIT}}<p>Your current kit was made on <time datetime="{{SINCE_ISO}}">{{SINCE}}</time>.</p>{{/HAS_KIT}}
<form method="post" action="{{BASE}}/contacts/kit">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p>A kit is a way into your account, so making one needs your password{{#NEED_TOTP}} and your authenticator{{/NEED_TOTP}}.</p>
<p><label for="kit-password">Your password</label>
<input type="password" id="kit-password" name="password" autocomplete="current-password" required></p>
{{#NEED_TOTP}}<p><label for="kit-code">Code from your authenticator</label>
<input id="kit-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_TOTP}}
<p><button type="submit">Send a new kit</button></p>
</form>
<p><a href="{{BASE}}/contacts">Back to your contacts</a></p>
