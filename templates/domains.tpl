{{%AUTOESCAPE context="HTML"}}<h1>Your domains</h1>
<p>Domains you manage on this platform. Postern never sends recovery codes to an address on one of them: if its DNS broke, you could be locked out.</p>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_DOMAIN}}<li><a href="#domain">Domain name</a>: {{MESSAGE}}</li>{{/ERR_DOMAIN}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
{{#NONE}}<p>You have no domains yet.</p>{{/NONE}}
<ul class="items">
{{#DOMAIN}}<li class="domain">
<strong class="name">{{NAME}}</strong>
{{#VERIFIED}}<span class="badge ok">verified</span>{{/VERIFIED}}
{{#PENDING}}<span class="badge warn">pending</span>
<p>To prove that you control it, publish this TXT record, then press “Check now”:</p>
<dl class="facts">
<dt>Name</dt><dd><code class="txt-name">{{TXT_NAME}}.{{NAME}}</code></dd>
<dt>Value</dt><dd><code class="txt-value">{{TXT_PREFIX}}{{TXT_VALUE}}</code></dd>
</dl>
<form method="post" action="{{BASE}}/domains/verify" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="domain" value="{{NAME}}">
<button type="submit">Check now<span class="visually-hidden"> for {{NAME}}</span></button>
</form>{{/PENDING}}
<form method="post" action="{{BASE}}/domains/remove" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="domain" value="{{NAME}}">
<button type="submit" class="secondary">Remove<span class="visually-hidden"> {{NAME}}</span></button>
</form>
</li>{{/DOMAIN}}
</ul>
<h2>Add a domain</h2>
<form method="post" action="{{BASE}}/domains">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="domain">Domain name</label>
<input id="domain" name="domain" value="{{TYPED}}" required maxlength="253"
 autocomplete="off" autocapitalize="none" spellcheck="false" placeholder="example.org"{{#ERR_DOMAIN}} aria-invalid="true" aria-describedby="domain-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_DOMAIN}}></p>
{{#ERR_DOMAIN}}<p class="field-error" id="domain-error">{{MESSAGE}}</p>{{/ERR_DOMAIN}}
<p><button type="submit">Add domain</button></p>
</form>
