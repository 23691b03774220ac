const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']
// NUL and unpaired surrogates: Postgres cannot store them (the same rule as server/http/input-guard.ts for /api)
const IMPOSSIBLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * The request's form fields, or null when the body is not a form (JSON, plain text, a broken
 * multipart body): the action answers 400 with a message instead of letting formData() throw a 500.
 * A field holding a character Postgres cannot store is refused here with a 400 response, so every
 * action that reads its form through this helper is covered.
 */
export async function readFormData(request: Request): Promise<FormData | null> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (!FORM_TYPES.includes(type)) return null
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    return null
  }
  for (const [name, value] of form.entries()) {
    if (IMPOSSIBLE.test(name) || (typeof value === 'string' && IMPOSSIBLE.test(value))) {
      throw new Response(`The form field "${name.replace(IMPOSSIBLE, '?')}" contains a NUL or invalid character.`, {
        status: 400,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    }
  }
  return form
}
