{{%AUTOESCAPE context="HTML"}}<h1>Recovery contacts</h1>
<p>These are your ways back in if you forget your password. Each one counts once you confirm it with the code we send. Every change here is told to all of them.</p>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_VALUE}}<li><a href="#value">Address or number</a>: {{MESSAGE}}</li>{{/ERR_VALUE}}{{#ERR_PASSWORD}}<li><a href="#add-password">Your password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#ERR_CODE}}<li><a href="#add-code">Code from your authenticator</a>: {{MESSAGE}}</li>{{/ERR_CODE}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<ul class="items" id="contacts">
<li class="contact primary">
<span class="kind">Primary email</span> <strong class="value">{{PRIMARY}}</strong>
{{#PRIMARY_VERIFIED}}<span class="badge ok">verified</span>{{/PRIMARY_VERIFIED}}
{{#PRIMARY_PENDING}}<span class="badge warn">not verified</span>{{/PRIMARY_PENDING}}
<small>Added <time datetime="{{PRIMARY_ADDED_ISO}}">{{PRIMARY_ADDED}}</time>. Change it on <a href="{{BASE}}/email">the email page</a>.</small>
</li>
{{#CONTACT}}<li class="contact">
<span class="kind">{{#PHONE}}Phone{{/PHONE}}{{#EMAIL}}Email{{/EMAIL}}</span> <strong class="value">{{VALUE}}</strong>
{{#VERIFIED}}<span class="badge ok">verified</span>{{/VERIFIED}}
{{#PENDING}}<span class="badge warn">pending</span>{{/PENDING}}
<small>Added <time datetime="{{ADDED_ISO}}">{{ADDED}}</time>.</small>
{{#HERE}}<form method="post" action="{{BASE}}/contacts/verify" class="row">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="id" value="{{ID}}">
<label for="code-{{ID}}">Code we sent<span class="visually-hidden"> to {{VALUE}}</span></label>
<input id="code-{{ID}}" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>
<button type="submit">Confirm<span class="visually-hidden"> {{VALUE}}</span></button>
</form>
<form method="post" action="{{BASE}}/contacts/verify" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="id" value="{{ID}}">
<input type="hidden" name="resend" value="1">
<button type="submit" class="secondary">Send a new code<span class="visually-hidden"> to {{VALUE}}</span></button>
</form>{{/HERE}}
{{#ELSEWHERE}}<small>It can be confirmed only from the browser session that added it; remove it and add it again here if that one is gone.</small>{{/ELSEWHERE}}
{{#REMOVE}}<form method="post" action="{{BASE}}/contacts/remove" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="id" value="{{ID}}">
<button type="submit" class="secondary">Remove<span class="visually-hidden"> {{VALUE}}</span></button>
</form>{{/REMOVE}}
{{#CONFIRM_REMOVE}}<form method="post" action="{{BASE}}/contacts/remove" id="confirm-remove">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="id" value="{{ID}}">
<p>Removing a way into your account needs your password{{#NEED_TOTP}} and your authenticator{{/NEED_TOTP}}.</p>
<p><label for="remove-password">Your password</label>
<input type="password" id="remove-password" name="password" autocomplete="current-password" required></p>
{{#NEED_TOTP}}<p><label for="remove-code">Code from your authenticator</label>
<input id="remove-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_TOTP}}
<button type="submit">Remove {{VALUE}}</button>
</form>{{/CONFIRM_REMOVE}}
</li>{{/CONTACT}}
</ul>
<h2>Add a contact</h2>
<form method="post" action="{{BASE}}/contacts">
<input type="hidden" name="csrf" value="{{CSRF}}">
{{#PHONES}}<fieldset><legend>Kind</legend>
<label class="choice"><input type="radio" name="kind" value="email" {{#KIND_EMAIL}}checked{{/KIND_EMAIL}}> Email address</label>
<label class="choice"><input type="radio" name="kind" value="phone" {{#KIND_PHONE}}checked{{/KIND_PHONE}}> Phone number (international form, like +49 30 1234567)</label>
</fieldset>
<p><label for="value">Address or number</label>
<input id="value" name="value" value="{{TYPED}}" required maxlength="254" autocomplete="off"{{#ERR_VALUE}} aria-invalid="true" aria-describedby="value-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_VALUE}}></p>
{{#ERR_VALUE}}<p class="field-error" id="value-error">{{MESSAGE}}</p>{{/ERR_VALUE}}{{/PHONES}}
{{#NO_PHONES}}<input type="hidden" name="kind" value="email">
<p><label for="value">Email address</label>
<input id="value" name="value" type="email" value="{{TYPED}}" required maxlength="254" autocomplete="email"{{#ERR_VALUE}} aria-invalid="true" aria-describedby="value-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_VALUE}}></p>
{{#ERR_VALUE}}<p class="field-error" id="value-error">{{MESSAGE}}</p>{{/ERR_VALUE}}{{/NO_PHONES}}
<p>A new contact is a way into your account, so adding one needs your password{{#NEED_TOTP}} and your authenticator{{/NEED_TOTP}}.</p>
<p><label for="add-password">Your password</label>
<input type="password" id="add-password" name="password" autocomplete="current-password" required{{#ERR_PASSWORD}} aria-invalid="true" aria-describedby="add-password-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}></p>
{{#ERR_PASSWORD}}<p class="field-error" id="add-password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
{{#NEED_TOTP}}<p><label for="add-code">Code from your authenticator</label>
<input id="add-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required{{#ERR_CODE}} aria-invalid="true" aria-describedby="add-code-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_CODE}}></p>
{{#ERR_CODE}}<p class="field-error" id="add-code-error">{{MESSAGE}}</p>{{/ERR_CODE}}{{/NEED_TOTP}}
<p><button type="submit">Add and send a code</button></p>
</form>
<h2>More ways back in</h2>
<ul>
<li><a href="{{BASE}}/contacts/recovery-code">Recovery code</a>:
{{#HAS_RECOVERY_CODE}}made <time datetime="{{RECOVERY_CODE_AT_ISO}}">{{RECOVERY_CODE_AT}}</time>.{{/HAS_RECOVERY_CODE}}{{#NO_RECOVERY_CODE}}none yet.{{/NO_RECOVERY_CODE}}</li>
<li><a href="{{BASE}}/contacts/2fa">Two-step verification</a>:
{{#TWOFA_ON}}on.{{/TWOFA_ON}}{{#TWOFA_OFF}}off.{{/TWOFA_OFF}}</li>
{{#KITS}}<li><a href="{{BASE}}/contacts/kit">Recovery kit</a> held half by you and half by your hoster.</li>{{/KITS}}
</ul>
