{{%AUTOESCAPE context="HTML"}}<h1>Create an account</h1>
{{#HAS_ERROR}}<div class="error" role="alert" id="form-error"><ul>{{#ERR_USERNAME}}<li><a href="#username">Username</a>: {{MESSAGE}}</li>{{/ERR_USERNAME}}{{#ERR_EMAIL}}<li><a href="#email">Email address</a>: {{MESSAGE}}</li>{{/ERR_EMAIL}}{{#ERR_PASSWORD}}<li><a href="#password">Password</a>: {{MESSAGE}}</li>{{/ERR_PASSWORD}}{{#FORM_ERROR}}<li>{{ERROR}}</li>{{/FORM_ERROR}}</ul></div>{{/HAS_ERROR}}
<form method="post" action="{{BASE}}/signup">
<input type="hidden" name="csrf" value="{{CSRF}}">
<p><label for="username">Username</label>
<input id="username" name="username" value="{{USERNAME}}" required
 autocomplete="username" autocapitalize="none" spellcheck="false"
 minlength="3" maxlength="32" aria-describedby="username-help{{#ERR_USERNAME}} username-error{{/ERR_USERNAME}}"{{#ERR_USERNAME}} aria-invalid="true"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_USERNAME}}>
<small id="username-help">3 to 32 characters: a–z, 0–9, dot, underscore or hyphen.</small></p>
{{#ERR_USERNAME}}<p class="field-error" id="username-error">{{MESSAGE}}</p>{{/ERR_USERNAME}}
<p><label for="email">Email address</label>
<input id="email" name="email" type="email" value="{{EMAIL}}" required
 autocomplete="email" maxlength="254"{{#ERR_EMAIL}} aria-invalid="true" aria-describedby="email-error"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_EMAIL}}></p>
{{#ERR_EMAIL}}<p class="field-error" id="email-error">{{MESSAGE}}</p>{{/ERR_EMAIL}}
<p><label for="password">Password</label>
<input id="password" name="password" type="password" required
 autocomplete="new-password" minlength="8" maxlength="256"
 aria-describedby="password-help{{#ERR_PASSWORD}} password-error{{/ERR_PASSWORD}}"{{#ERR_PASSWORD}} aria-invalid="true"{{#FIRST}} autofocus{{/FIRST}}{{/ERR_PASSWORD}}>
<small id="password-help">At least 8 characters. A few unrelated words make a strong password.</small></p>
{{#ERR_PASSWORD}}<p class="field-error" id="password-error">{{MESSAGE}}</p>{{/ERR_PASSWORD}}
<p><button type="submit">Create account</button></p>
</form>
<p>Already have an account? <a href="{{BASE}}/login">Log in</a>.</p>
