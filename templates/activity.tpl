{{%AUTOESCAPE context="HTML"}}<h1>Account activity</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<h2>Open sessions</h2>
<ul class="items" id="sessions">
{{#SESSION}}<li class="session">
<strong>{{IP}}</strong>{{#CURRENT}} <span class="badge ok">this browser</span>{{/CURRENT}}
<small>Started {{STARTED}}, last seen {{SEEN}}.</small>
<small class="agent">{{AGENT}}</small>
{{#END}}<form method="post" action="{{BASE}}/account/activity" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="session" value="{{ID}}">
<button type="submit" class="secondary">End this session<span class="visually-hidden"> from {{IP}}, started {{STARTED}}</span></button>
</form>{{/END}}
{{#CONFIRM}}<form method="post" action="{{BASE}}/account/activity" id="confirm-end">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="session" value="{{ID}}">
<p>Ending a session changes who is in your account, so it needs your password{{#NEED_TOTP}} and the code your authenticator shows{{/NEED_TOTP}}.</p>
<p><label for="end-password">Your password</label>
<input type="password" id="end-password" name="password" autocomplete="current-password" required></p>
{{#NEED_TOTP}}<p><label for="end-code">Code from your authenticator</label>
<input id="end-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_TOTP}}
<button type="submit">End the session from {{IP}}</button>
</form>{{/CONFIRM}}
</li>{{/SESSION}}
</ul>
{{#OTHERS}}<form method="post" action="{{BASE}}/account/activity" id="end-others">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="others" value="1">
<p>Someone else may be using your account? End every session but this one.</p>
<p><label for="others-password">Your password</label>
<input type="password" id="others-password" name="password" autocomplete="current-password" required></p>
{{#NEED_TOTP}}<p><label for="others-code">Code from your authenticator</label>
<input id="others-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required></p>{{/NEED_TOTP}}
<button type="submit">End all other sessions</button>
</form>{{/OTHERS}}
<h2>Security events</h2>
<table class="events" id="events">
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col">Detail</th></tr></thead>
<tbody>
{{#EVENT}}<tr class="event" data-kind="{{KIND}}"><td>{{WHEN}}</td><td>{{WHAT}}</td><td>{{IP}}</td><td>{{DETAIL}}</td></tr>
{{/EVENT}}</tbody>
</table>
