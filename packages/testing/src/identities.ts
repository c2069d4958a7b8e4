/** The identity builders live with the identities (`@casino/auth/testing`), so auth's own tests can use them. */
export { testIdentity } from '@casino/auth/testing';
