import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { EnvOverrideBadge, formatValue, RampStateBadge, RealisedShare } from '../components/flags/flag-badges.tsx'
import flagStyles from '../components/flags/flags.css?url'
import { PageHeader } from '../components/page-header.tsx'
import { requireUserWithPermission } from '../utils/auth.server.ts'
import { userHasPermission } from '../utils/permissions.ts'

export const meta: MetaFunction = () => [{ title: 'Feature flags · Maitre' }]
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: flagStyles }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUserWithPermission(request, context, 'read:flag:any')
  return {
    flags: await context.engine.flagControl.overview(),
    canEdit: userHasPermission(user, 'update:flag:any'),
  }
}

export default function FlagsIndex() {
  const { flags, canEdit } = useLoaderData<typeof loader>()
  return (
    <>
      <PageHeader
        title="Feature flags"
        description={
          canEdit
            ? 'Every flag the engine reads. Open one to change its rules or start a staged ramp.'
            : 'Every flag the engine reads. Your role can read them; engineers change them.'
        }
      />
      <section className="panel">
        <table className="table flag-table" data-testid="flags-table">
          <thead>
            <tr>
              <th>Flag</th>
              <th>Type</th>
              <th>Default</th>
              <th>Global rule</th>
              <th>Restaurant rules</th>
              <th>Realised</th>
              <th>Kill switch</th>
              <th>Ramps in progress</th>
            </tr>
          </thead>
          <tbody>
            {flags.map((flag) => {
              const global = flag.rules.find((rule) => rule.restaurant === null)
              return (
                <tr key={flag.key} data-flag={flag.key}>
                  <td>
                    <Link to={`/flags/${flag.key}`}>
                      <code>{flag.key}</code>
                    </Link>
                    <div className="muted">{flag.description}</div>
                  </td>
                  <td>{flag.type}</td>
                  <td>{formatValue(flag.default)}</td>
                  <td>
                    {global ? (
                      <>
                        <span className={global.enabled ? 'badge badge-on' : 'badge badge-off'}>
                          {global.enabled ? `on for ${global.rolloutPercent}%` : 'off'}
                        </span>
                        {global.value !== null ? <> value {formatValue(global.value)}</> : null}
                      </>
                    ) : (
                      <span className="muted">none (default)</span>
                    )}
                  </td>
                  <td>{flag.restaurantRules}</td>
                  <td>
                    <RealisedShare
                      realised={flag.realised}
                      target={global ? (global.enabled ? global.rolloutPercent : 0) : null}
                    />
                  </td>
                  <td>
                    <EnvOverrideBadge flag={flag} />
                  </td>
                  <td>
                    {flag.ramps.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      flag.ramps.map((ramp) => (
                        <div key={ramp.id}>
                          <Link to={`/ramps/${ramp.id}`}>
                            <RampStateBadge state={ramp.state} /> stage {ramp.stage + 1} of {ramp.stages.length} (
                            {ramp.stages[ramp.stage]?.percent ?? 0}%)
                          </Link>
                        </div>
                      ))
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </section>
    </>
  )
}
