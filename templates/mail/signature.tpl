{{! The end of every mail, below "-- " (mailer.c): whose service wrote, and whom to ask. }}{{SITE_NAME}}
{{#CONTACT}}Questions? Write to {{ADMIN_EMAIL}}{{/CONTACT}}