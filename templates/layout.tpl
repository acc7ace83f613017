{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · Postern</title>
<link rel="stylesheet" href="{{BASE}}/static/postern.css">
</head>
<body>
<header class="top">
<a class="brand" href="{{BASE}}/account">Postern</a>
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
<main>
{{CONTENT:none}}
</main>
</body>
</html>
