/*
 * crypto.c: every use of randomness, hashing and comparison of secrets
 * goes through here, on top of libsodium.
 *
 * Tokens (session cookies, link tokens) are 32 random bytes shown as
 * base64url; the database keeps only their BLAKE2b hash, so a copy of
 * the database opens no session and follows no link.  Passwords are
 * Argon2id strings from crypto_pwhash_str.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto.h"
#include "log.h"

int
crypto_init(void)
{
	/* 0 the first time, 1 when already done, -1 on failure. */
	if (sodium_init() < 0) {
		log_err("libsodium: initialisation failed");
		return 0;
	}
	return 1;
}

int
token_new(char out[TOKEN_TEXT])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_TEXT, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return 1;
}

int
token_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= TOKEN_TEXT - 1)
			return 0;
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			s[i] == '_'))
			return 0;
	}
	return i == TOKEN_TEXT - 1;
}

void
token_hash(const char *token, unsigned char out[HASH_BYTES])
{
	crypto_generichash(out, HASH_BYTES, (const unsigned char *)token,
	    strlen(token), NULL, 0);
}

int
token_mac(const unsigned char key[KEY_BYTES], const char *context,
    const char *msg, char out[TOKEN_TEXT])
{
	crypto_generichash_state st;
	unsigned char		 mac[TOKEN_BYTES];

	/* The context keeps MACs made for one purpose from serving another. */
	if (crypto_generichash_init(&st, key, KEY_BYTES, sizeof(mac)) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)context,
		strlen(context) + 1) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)msg,
		strlen(msg)) != 0 ||
	    crypto_generichash_final(&st, mac, sizeof(mac)) != 0)
		return 0;
	sodium_bin2base64(out, TOKEN_TEXT, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 1;
}

int
token_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	/* Lengths are public (every token has the same); contents are not. */
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int
code_new_digits(char *out, size_t n)
{
	size_t i;

	if (n > 12)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[n] = '\0';
	return 1;
}

int
pw_hash(const char *password, unsigned long long ops, size_t mem,
    char out[PWHASH_TEXT])
{
	if (crypto_pwhash_str(out, password, strlen(password), ops, mem) !=
	    0) {
		log_err("password hash: out of memory");
		return 0;
	}
	return 1;
}

int
pw_verify(const char *hash, const char *password)
{
	char h[crypto_pwhash_STRBYTES];

	/* A zeroed full-size copy: libsodium reads the buffer as such. */
	memset(h, 0, sizeof(h));
	if (strlen(hash) >= sizeof(h))
		return 0;
	memcpy(h, hash, strlen(hash));
	return crypto_pwhash_str_verify(h, password, strlen(password)) == 0;
}

int
pw_needs_rehash(const char *hash, unsigned long long ops, size_t mem)
{
	char h[crypto_pwhash_STRBYTES];

	memset(h, 0, sizeof(h));
	if (strlen(hash) >= sizeof(h))
		return 1;
	memcpy(h, hash, strlen(hash));
	return crypto_pwhash_str_needs_rehash(h, ops, mem) != 0;
}

int
pw_dummy_hash(unsigned long long ops, size_t mem, char out[PWHASH_TEXT])
{
	char pw[TOKEN_TEXT];

	token_new(pw);
	return pw_hash(pw, ops, mem, out);
}

void
secret_file_check(int fd, const char *path)
{
	/* Once per file and process: the mailer reads its files each pass. */
	static struct {
		dev_t dev;
		ino_t ino;
	} told[4];
	static size_t ntold;
	struct stat   st;
	size_t	      i;

	if (fstat(fd, &st) != 0 || (st.st_mode & 007) == 0)
		return;
	for (i = 0; i < ntold; i++)
		if (told[i].dev == st.st_dev && told[i].ino == st.st_ino)
			return;
	if (ntold < sizeof(told) / sizeof(told[0])) {
		told[ntold].dev = st.st_dev;
		told[ntold].ino = st.st_ino;
		ntold++;
	}
	log_warn("%s: readable by others; it should be mode 0600 or 0640",
	    path);
}

int
key_load(const char *path, unsigned char key[KEY_BYTES])
{
	int	      fd;
	ssize_t	      n;
	struct stat   st;
	unsigned char extra;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		/* Only a missing key is init's to make; another is a fix. */
		log_err("%s: %s (%s)", path, strerror(errno),
		    errno == ENOENT ? "run `postern init`" :
				      "`postern check-config` names the "
				      "fix");
		return 0;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_err("%s: not a regular file", path);
		goto fail;
	}
	secret_file_check(fd, path);
	n = read(fd, key, KEY_BYTES);
	if (n != KEY_BYTES || read(fd, &extra, 1) != 0) {
		log_err("%s: not a %d-byte key", path, KEY_BYTES);
		goto fail;
	}
	close(fd);
	return 1;
fail:
	sodium_memzero(key, KEY_BYTES);
	close(fd);
	return 0;
}

int
key_create(const char *path)
{
	int	      fd;
	unsigned char key[KEY_BYTES];
	ssize_t	      n;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		log_err("%s: %s", path, strerror(errno));
		return 0;
	}
	randombytes_buf(key, sizeof(key));
	n = write(fd, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	if (n != KEY_BYTES || fsync(fd) == -1) {
		log_err("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return 0;
	}
	return close(fd) == 0;
}

int
key_derive(const unsigned char master[KEY_BYTES], uint64_t id,
    unsigned char out[KEY_BYTES])
{
	return crypto_kdf_derive_from_key(out, KEY_BYTES, id, "postern_",
		   master) == 0;
}

#define SEAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

_Static_assert(SEAL_OVERHEAD ==
	SEAL_NONCE + crypto_aead_xchacha20poly1305_ietf_ABYTES,
    "SEAL_OVERHEAD");

int
secret_seal(const unsigned char key[KEY_BYTES], const unsigned char *ad,
    size_t adlen, const unsigned char *msg, size_t len, unsigned char *out)
{
	/* A random 24-byte nonce never repeats in practice, so one key can
	 * seal any number of messages. */
	randombytes_buf(out, SEAL_NONCE);
	return crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEAL_NONCE,
		   NULL, msg, len, ad, adlen, NULL, out, key) == 0;
}

int
secret_open(const unsigned char key[KEY_BYTES], const unsigned char *ad,
    size_t adlen, const unsigned char *in, size_t inlen, unsigned char *out)
{
	if (inlen < SEAL_OVERHEAD)
		return 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL,
		in + SEAL_NONCE, inlen - SEAL_NONCE, ad, adlen, in,
		key) != 0) {
		sodium_memzero(out, inlen - SEAL_OVERHEAD);
		return 0;
	}
	return 1;
}

int
keys_load(const char *path, struct keys *k)
{
	unsigned char master[KEY_BYTES];
	int	      ok;

	if (!key_load(path, master))
		return 0;
	ok = key_derive(master, KEY_ID_CSRF, k->csrf) &&
	    key_derive(master, KEY_ID_TOTP, k->totp) &&
	    key_derive(master, KEY_ID_CODES, k->codes) &&
	    key_derive(master, KEY_ID_OUTBOX, k->outbox) &&
	    key_derive(master, KEY_ID_VIEWS, k->views);
	sodium_memzero(master, sizeof(master));
	if (!ok)
		sodium_memzero(k, sizeof(*k));
	return ok;
}
