{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Postern bench floor</title></head>
<body>
<main>
<h1>Postern bench reference</h1>
<p>Request {{REQUEST}}: item {{ITEM}}.</p>
</main>
</body>
</html>
