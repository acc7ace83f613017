#ifndef POSTERN_CRYPTO_H
#define POSTERN_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* crypto.c: libsodium helpers.                                       */

#define TOKEN_BYTES 32 /* raw random bytes of a token */
#define TOKEN_TEXT  44 /* base64url without padding, plus NUL */
#define HASH_BYTES  32 /* BLAKE2b digest kept in the database */
#define KEY_BYTES   32
#define PWHASH_TEXT 128 /* crypto_pwhash_STRBYTES */

int crypto_init(void);
/* A fresh token in base64url form (TOKEN_TEXT bytes with NUL). */
int token_new(char out[TOKEN_TEXT]);
/* 1 if s is a syntactically valid token. */
int token_valid(const char *s);
/* BLAKE2b of the token text: what the database keeps. */
void token_hash(const char *token, unsigned char out[HASH_BYTES]);
/* Keyed BLAKE2b, for CSRF tokens derived from the session cookie. */
int token_mac(const unsigned char key[KEY_BYTES], const char *context,
    const char *msg, char out[TOKEN_TEXT]);
/* Constant-time comparison of two NUL-terminated strings. */
int token_equal(const char *, const char *);
/* An n-digit decimal code typed by a person (n <= 12). */
int code_new_digits(char *out, size_t n);

/* Argon2id with the limits from configuration. */
int pw_hash(const char *password, unsigned long long ops, size_t mem,
    char out[PWHASH_TEXT]);
/* 1 if the password matches; 0 otherwise (wrong or bad hash). */
int pw_verify(const char *hash, const char *password);
/* 1 if hash was made with other limits than ops/mem. */
int pw_needs_rehash(const char *hash, unsigned long long ops, size_t mem);
/* A hash of a random password with these limits, for equal timing. */
int pw_dummy_hash(unsigned long long ops, size_t mem, char out[PWHASH_TEXT]);

/* The master key from secret_key_file (created by `postern init`). */
int key_load(const char *path, unsigned char key[KEY_BYTES]);
/* Log a warning (once per file) when the open secret file fd is
 * readable by others; group read is allowed: it is how the web server
 * and the mailer share it. */
void secret_file_check(int fd, const char *path);
int  key_create(const char *path);
/* Subkeys of the master key, one per purpose. */
#define KEY_ID_CSRF   1 /* CSRF tokens */
#define KEY_ID_TOTP   2 /* sealed TOTP secrets */
#define KEY_ID_CODES  3 /* hashes of one-time codes */
#define KEY_ID_OUTBOX 4 /* sealed bodies of queued mail and SMS */
#define KEY_ID_VIEWS  5 /* sealed copies of a new recovery code */

/* The subkey for purpose id of the master key. */
int key_derive(const unsigned char master[KEY_BYTES], uint64_t id,
    unsigned char out[KEY_BYTES]);

/* Every subkey a program may use, derived once at start. */
struct keys {
	unsigned char csrf[KEY_BYTES];
	unsigned char totp[KEY_BYTES];
	unsigned char codes[KEY_BYTES];
	unsigned char outbox[KEY_BYTES];
	unsigned char views[KEY_BYTES];
};

/* Read the master key from path and derive every subkey; the master
 * key itself is not kept. */
int keys_load(const char *path, struct keys *);

/*
 * Encryption at rest: XChaCha20-Poly1305 under key with a random nonce,
 * bound to the associated data ad (what the sealed bytes belong to).
 * out receives nonce || ciphertext || tag, len + SEAL_OVERHEAD bytes.
 * secret_open() takes that back to its inlen - SEAL_OVERHEAD bytes; 0
 * when the key or ad is another or a byte was changed (out is zeroed).
 */
#define SEAL_OVERHEAD 40 /* 24-byte nonce, 16-byte tag */
int secret_seal(const unsigned char key[KEY_BYTES], const unsigned char *ad,
    size_t adlen, const unsigned char *msg, size_t len, unsigned char *out);
int secret_open(const unsigned char key[KEY_BYTES], const unsigned char *ad,
    size_t adlen, const unsigned char *in, size_t inlen, unsigned char *out);

#endif /* !POSTERN_CRYPTO_H */
