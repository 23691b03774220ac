const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

/**
 * The request's form fields, or null when the body is not a form (JSON, plain text, a broken
 * multipart body): the action answers 400 with a message instead of letting formData() throw a 500.
 */
export async function readFormData(request: Request): Promise<FormData | null> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (!FORM_TYPES.includes(type)) return null
  try {
    return await request.formData()
  } catch {
    return null
  }
}
