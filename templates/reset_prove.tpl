{{%AUTOESCAPE context="HTML"}}<h1>Prove it is you</h1>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_USERNAME}}<li><a href="#username">Username or email address</a>: {{MESSAGE}}</li>{{/ERR_USERNAME}}{{#ERR_PASSWORD}}<li><a href="#password">New password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<p>If the account exists, we have sent a code to each of its confirmed addresses and phones. Type what you have, one per box: a code we sent, your recovery code, a code from your authenticator app, or the two halves of your recovery kit.</p>
<p>With two-step verification on, you need two proofs from different places, and at least one must not be an email.</p>
<form method="post" action="{{BASE}}/reset/prove">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="username">Username or email address</label>
<input id="username" name="username" value="{{USERNAME}}" required maxlength="254"
 autocomplete="username" autocapitalize="none" spellcheck="false"{{#ERR_USERNAME}} aria-invalid="true" aria-describedby="username-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_USERNAME}}></p>
{{#ERR_USERNAME}}<p class="field-error" id="username-error">{{MESSAGE}}</p>{{/ERR_USERNAME}}
{{#CODE}}<p><label for="code-{{N}}">Proof {{N}}</label>
<input id="code-{{N}}" name="code" value="{{VALUE}}" maxlength="64"
 autocomplete="one-time-code" autocapitalize="characters" spellcheck="false"></p>
{{/CODE}}
<p><label for="password">New password</label>
<input id="password" name="password" type="password" required minlength="8" maxlength="256"
 autocomplete="new-password" aria-describedby="password-help{{#ERR_PASSWORD}} password-error{{/ERR_PASSWORD}}"{{#ERR_PASSWORD}} aria-invalid="true"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}>
<small id="password-help">At least 8 characters. It takes effect after a waiting time, during which you can still stop it.</small></p>
{{#ERR_PASSWORD}}<p class="field-error" id="password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
<p><button type="submit">Reset password</button></p>
</form>
<p>No code arrived? <a href="{{BASE}}/reset">Ask again</a>.</p>
