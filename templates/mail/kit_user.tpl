Your half of a recovery kit

Hello {{USERNAME}},

this is your half of the recovery kit made on {{WHEN}}. Keep this mail,
or write the half down. Your hoster has the other half; together they
can prove who you are when everything else is lost.

{{HALF}}

Any older kit no longer works.
