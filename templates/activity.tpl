{{%AUTOESCAPE context="HTML"}}<h1>Account activity</h1>
{{#HAS_ERROR}}<p class="error" role="alert" id="form-error">{{ERROR}}</p>{{/HAS_ERROR}}
<h2>Open sessions</h2>
<ul class="items" id="sessions">
{{#SESSION}}<li class="session">
<strong>{{IP}}</strong>{{#CURRENT}} <span class="badge ok">this browser</span>{{/CURRENT}}
<small>Started {{STARTED}}, last seen {{SEEN}}.</small>
<small class="agent">{{AGENT}}</small>
<form method="post" action="{{BASE}}/account/activity" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="session" value="{{ID}}">
<button type="submit" class="secondary">End this session<span class="visually-hidden"> from {{IP}}, started {{STARTED}}</span></button>
</form>
</li>{{/SESSION}}
</ul>
{{#OTHERS}}<form method="post" action="{{BASE}}/account/activity" id="end-others">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="others" value="1">
<p>Someone else may be using your account? End every session but this one.</p>
<label for="others-password">Your password</label>
<input type="password" id="others-password" name="password" autocomplete="current-password" required>
<button type="submit">End all other sessions</button>
</form>{{/OTHERS}}
<h2>Security events</h2>
<table class="events" id="events">
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col">Detail</th></tr></thead>
<tbody>
{{#EVENT}}<tr class="event" data-kind="{{KIND}}"><td>{{WHEN}}</td><td>{{WHAT}}</td><td>{{IP}}</td><td>{{DETAIL}}</td></tr>
{{/EVENT}}</tbody>
</table>
