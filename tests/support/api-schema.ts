/** The schema clients see, from the committed supergraph (@casino/schema). */
export { loadApiSchema } from '@casino/schema';
