{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · {{SITE_NAME}}</title>
<link rel="stylesheet" href="{{BASE}}/static/postern.css">
<link rel="icon" href="{{BASE}}/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="top">
<a class="skip" href="#main">Skip to the page</a>
<a class="brand" href="{{BASE}}/account">{{SITE_NAME}}</a>
<nav aria-label="Account">
{{#LOGGED_IN}}<span class="who">{{USER}}</span>
<form method="post" action="{{BASE}}/logout" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit" class="link">Log out</button>
</form>{{/LOGGED_IN}}
{{#LOGGED_OUT}}<a href="{{BASE}}/login">Log in</a>
<a href="{{BASE}}/signup">Create an account</a>{{/LOGGED_OUT}}
</nav>
</header>
<main id="main" data-page="{{PAGE}}">
{{#PENDING_RESET}}<section class="banner" id="pending-reset" role="alert" aria-labelledby="pending-reset-title">
<h2 id="pending-reset-title">A new password is waiting</h2>
<p>Someone reset this account's password. The new password takes effect on <time datetime="{{RESET_DEADLINE_ISO}}">{{RESET_DEADLINE}}</time>. If it was not you, stop it now.</p>
<form method="post" action="{{BASE}}/reset/reject" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<label for="banner-password">Your password</label>
<input type="password" id="banner-password" name="password" autocomplete="current-password">
<button type="submit">Stop the change</button>
</form>
{{#BANNER_CONFIRM}}<form method="post" action="{{BASE}}/reset/confirm" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<label for="banner-code">It was me: code from my authenticator</label>
<input id="banner-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>
<button type="submit" class="secondary">Use the new password now</button>
</form>{{/BANNER_CONFIRM}}
{{#BANNER_NO_CONFIRM}}<p id="banner-no-confirm">If it was you, the new password takes effect on its own at that time{{#BANNER_MAILED}}; to skip the wait, press the confirm link we mailed to your other addresses{{/BANNER_MAILED}}.</p>{{/BANNER_NO_CONFIRM}}
</section>{{/PENDING_RESET}}
{{#PENDING_DELETE}}<section class="banner" id="pending-delete" role="alert" aria-labelledby="pending-delete-title">
<h2 id="pending-delete-title">This account will be deleted</h2>
<p>Someone logged in to this account asked to delete it. On <time datetime="{{DELETE_DEADLINE_ISO}}">{{DELETE_DEADLINE}}</time> the account and everything in it will be gone. If it was not you, or you changed your mind, cancel it.</p>
<form method="post" action="{{BASE}}/account/delete/cancel" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<label for="delete-banner-password">Your password</label>
<input type="password" id="delete-banner-password" name="password" autocomplete="current-password" required>
{{#DELETE_NEED_CODE}}<label for="delete-banner-code">Code from your authenticator</label>
<input id="delete-banner-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>{{/DELETE_NEED_CODE}}
<button type="submit">Cancel the deletion</button>
</form>
</section>{{/PENDING_DELETE}}
{{#HAS_NOTICE}}<p class="notice{{#HINT}} hint{{/HINT}}" role="status" id="notice">{{NOTICE}}</p>{{/HAS_NOTICE}}
{{CONTENT:none}}
</main>
</body>
</html>
