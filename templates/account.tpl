{{%AUTOESCAPE context="HTML"}}<h1>Your account</h1>
{{#ADDRESS_ON_DOMAIN}}<p class="warning address-warning" role="alert">Your address {{ADDRESS}} is on {{CONFLICT}}, a domain now managed by an account on this platform. Postern will not send recovery codes there: please replace it with a personal address.</p>{{/ADDRESS_ON_DOMAIN}}
<dl class="facts">
<dt>Username</dt><dd id="username">{{USERNAME}}</dd>
<dt>Email address</dt><dd id="email">{{EMAIL}}
{{#VERIFIED}}<span class="badge ok" id="email-status">verified</span>{{/VERIFIED}}
{{#NOT_VERIFIED}}<span class="badge warn" id="email-status">not verified</span>
<br><small>Open the link we mailed you to verify this address.</small>{{/NOT_VERIFIED}}</dd>
</dl>
<h2>Security</h2>
<ul>
<li><a href="{{BASE}}/email">Change your email address</a></li>
<li><a href="{{BASE}}/contacts">Recovery contacts, recovery code and two-step verification</a></li>
<li><a href="{{BASE}}/account/activity">Recent activity and open sessions</a></li>
<li><a href="{{BASE}}/domains">Domains you manage</a></li>
</ul>
