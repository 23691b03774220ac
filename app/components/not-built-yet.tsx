import { PageHeader } from './page-header.tsx'

/** An honest placeholder for a page whose capability has not been built. */
export function NotBuiltYet({
  title,
  description,
  capability,
}: {
  title: string
  description: string
  capability: string
}) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <section className="panel panel-muted" data-testid="not-built-yet">
        <h2>Not built yet</h2>
        <p>Arrives with {capability}. Nothing on this page is simulated: it stays empty until that work lands.</p>
      </section>
    </>
  )
}
