Recovery kit half for {{USERNAME}}

Hello,

the user {{USERNAME}} made a recovery kit on {{WHEN}}.
This is the hoster's half:

{{HALF}}

Hand it over only after you have checked, by means you trust, that the
person asking is {{USERNAME}}. Any older kit of this user no longer works.
