Wrong authenticator codes were typed for your account

Hello {{USERNAME}},

Five wrong codes from your authenticator were typed for your account, the last on {{WHEN}} from {{IP}}{{#KNOWN}}, in a browser that has logged in to your account before{{/KNOWN}}{{#STRANGER}}, in a browser that has never logged in to your account{{/STRANGER}}. Codes from {{#KNOWN}}that browser{{/KNOWN}}{{#STRANGER}}browsers your account does not know{{/STRANGER}} are not taken until {{UNTIL}}; nothing else changed.

If this was not you, someone may know your password or one of your recovery addresses: log in from a browser you trust, change your password and look at your recent activity.

{{BASE_URL}}/account/activity
