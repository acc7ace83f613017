Postern: the password change of {{USERNAME}} was stopped{{#BY_HOSTER}} by the people who run the site{{/BY_HOSTER}}. Your password is unchanged.
