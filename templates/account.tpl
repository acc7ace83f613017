{{%AUTOESCAPE context="HTML"}}<h1>Your account</h1>
{{#ADDRESS_ON_DOMAIN}}<p class="warning address-warning" role="alert">Your address {{ADDRESS}} is on {{CONFLICT}}, a domain now managed by an account on this platform. Postern will not send recovery codes there: please replace it with a personal address.</p>{{/ADDRESS_ON_DOMAIN}}
<dl class="facts">
<dt>Username</dt><dd id="username">{{USERNAME}}</dd>
<dt>Email address</dt><dd id="email">{{EMAIL}}
{{#VERIFIED}}<span class="badge ok" id="email-status">verified</span>{{/VERIFIED}}
{{#NOT_VERIFIED}}<span class="badge warn" id="email-status">not verified</span>
<br><small>Open the link we mailed you to verify this address.</small>{{/NOT_VERIFIED}}</dd>
</dl>
<section id="overview" aria-labelledby="overview-title">
<h2 id="overview-title">If you lose your password</h2>
<dl class="facts">
<dt>Verified addresses and phones</dt><dd id="overview-contacts">{{CONTACTS}}
{{#CONTACTS_ONE}}<span class="badge warn">only one</span><br><small>Lose access to it and you lose the account.</small>{{/CONTACTS_ONE}}
{{#CONTACTS_MANY}}<span class="badge ok">more than one</span>{{/CONTACTS_MANY}}</dd>
<dt>Recovery code</dt><dd id="overview-code">{{#CODE_ON}}<span class="badge ok">made</span>{{/CODE_ON}}{{#CODE_OFF}}<span class="badge warn">none</span>{{/CODE_OFF}}</dd>
<dt>Two-step verification</dt><dd id="overview-2fa">{{#TWOFA_ON}}<span class="badge ok">on</span>{{/TWOFA_ON}}{{#TWOFA_OFF}}<span class="badge warn">off</span><br><small>Anyone who learns your password can get in.</small>{{/TWOFA_OFF}}</dd>
{{#KIT_ON}}<dt>Recovery kit</dt><dd id="overview-kit"><span class="badge ok">made</span></dd>{{/KIT_ON}}
{{#KIT_OFF}}<dt>Recovery kit</dt><dd id="overview-kit"><span class="badge warn">none</span></dd>{{/KIT_OFF}}
<dt>Last login before this one</dt><dd id="overview-last-login">{{#LAST_LOGIN}}<time datetime="{{WHEN_ISO}}">{{WHEN}}</time> from {{LAST_LOGIN_IP}}<br><small>Not you? <a href="{{BASE}}/account/password">Change your password</a>.</small>{{/LAST_LOGIN}}{{#FIRST_LOGIN}}none: this is the first{{/FIRST_LOGIN}}</dd>
</dl>
<div class="next" id="next-step">
{{#NEXT_ADDRESS}}<p><strong>Next step:</strong> add a second recovery address, so that losing one mailbox does not lose the account.</p>
<p><a href="{{BASE}}/contacts">Add a recovery address</a></p>{{/NEXT_ADDRESS}}
{{#NEXT_RECOVERY_CODE}}<p><strong>Next step:</strong> make a recovery code and keep it on paper: it gets you back in without any mailbox or phone.</p>
<p><a href="{{BASE}}/contacts/recovery-code">Make a recovery code</a></p>{{/NEXT_RECOVERY_CODE}}
{{#NEXT_PHONE}}<p><strong>Next step:</strong> add a recovery phone. Two-step verification needs one, in case you lose your authenticator.</p>
<p><a href="{{BASE}}/contacts">Add a phone</a></p>{{/NEXT_PHONE}}
{{#NEXT_TWOFA}}<p><strong>Next step:</strong> turn on two-step verification, so that a stolen password alone is not enough to get in.</p>
<p><a href="{{BASE}}/contacts/2fa">Turn on two-step verification</a></p>{{/NEXT_TWOFA}}
{{#NEXT_KIT}}<p><strong>Next step:</strong> ask for a recovery kit: with the half we mail you and the half your hoster keeps, you get back in even if everything else is lost.</p>
<p><a href="{{BASE}}/contacts/kit">Ask for a recovery kit</a></p>{{/NEXT_KIT}}
{{#NEXT_NONE}}<p>Your account has every way back in Postern offers. Keep your addresses and phones up to date.</p>{{/NEXT_NONE}}
</div>
</section>
<h2>Security</h2>
<ul>
<li><a href="{{BASE}}/account/password">Change your password</a></li>
<li><a href="{{BASE}}/email">Change your email address</a></li>
<li><a href="{{BASE}}/contacts">Recovery contacts, recovery code and two-step verification</a></li>
<li><a href="{{BASE}}/account/activity">Recent activity and open sessions</a></li>
<li><a href="{{BASE}}/domains">Domains you manage</a></li>
</ul>
<h2>Your data</h2>
<ul>
<li><a href="{{BASE}}/account/export">Export your data</a></li>
<li><a href="{{BASE}}/account/delete">Delete your account</a></li>
</ul>
