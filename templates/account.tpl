{{%AUTOESCAPE context="HTML"}}<h1>Your account</h1>
<dl class="facts">
<dt>Username</dt><dd id="username">{{USERNAME}}</dd>
<dt>Email address</dt><dd id="email">{{EMAIL}}
{{#VERIFIED}}<span class="badge ok" id="email-status">verified</span>{{/VERIFIED}}
{{#NOT_VERIFIED}}<span class="badge warn" id="email-status">not verified</span>
<br><small>Open the link we mailed you to verify this address.</small>{{/NOT_VERIFIED}}</dd>
</dl>
