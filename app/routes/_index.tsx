import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { PageHeader } from '../components/page-header.tsx'
import { requireUser } from '../utils/auth.server.ts'
import { navigationFor } from '../utils/navigation.ts'

export const meta: MetaFunction = () => [{ title: 'Overview · Maitre' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context)
  const restaurants = await context.engine.restaurants.list()
  return {
    user: { name: user.name, roles: user.roles, permissions: user.permissions },
    database: context.engine.database.driver,
    demo: context.engine.config.demo,
    restaurants: restaurants.map((r) => ({ slug: r.slug, name: r.name, timezone: r.timezone })),
  }
}

export default function Overview() {
  const { user, database, demo, restaurants } = useLoaderData<typeof loader>()
  const pages = navigationFor(user)
    .flatMap((section) => section.items)
    .filter((item) => item.to !== '/')
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Welcome, ${user.name}. Maitre seats bookings at tables and shows how well it does it.`}
      />
      <div className="tiles">
        <div className="tile">
          <div className="tile-label">Restaurants</div>
          <div className="tile-value" data-testid="restaurant-count">
            {restaurants.length}
          </div>
        </div>
        <div className="tile">
          <div className="tile-label">Database</div>
          <div className="tile-value tile-value-small">
            {database === 'pglite' ? 'Embedded (PGlite)' : 'PostgreSQL'}
          </div>
        </div>
        <div className="tile">
          <div className="tile-label">Mode</div>
          <div className="tile-value tile-value-small">{demo ? 'Demo' : 'Live'}</div>
        </div>
        <div className="tile">
          <div className="tile-label">Your role</div>
          <div className="tile-value tile-value-small">{user.roles.join(', ') || 'none'}</div>
        </div>
      </div>

      <div className="grid-2">
        <section className="panel">
          <h2>Restaurants</h2>
          {restaurants.length === 0 ? (
            <p className="muted">
              No restaurants yet. Import a floor with <code>PUT /api/restaurants/:slug</code>, or start in demo mode (
              <code>MAITRE_DEMO=1</code>) to get three demo restaurants.
            </p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Slug</th>
                  <th>Timezone</th>
                </tr>
              </thead>
              <tbody>
                {restaurants.map((r) => (
                  <tr key={r.slug}>
                    <td>{r.name}</td>
                    <td>
                      <code>{r.slug}</code>
                    </td>
                    <td>{r.timezone}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="panel">
          <h2>Your pages</h2>
          {pages.length === 0 ? (
            <p className="muted">Your role gives you no pages beyond this one. Ask an administrator for access.</p>
          ) : (
            <ul className="link-list">
              {pages.map((page) => (
                <li key={page.to}>
                  <Link to={page.to}>{page.label}</Link>
                  <span className="muted"> — {page.description}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  )
}
