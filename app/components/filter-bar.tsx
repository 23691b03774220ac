import { Form, useSubmit } from '@remix-run/react'
import { DASHBOARD_WINDOWS, PIPELINE_OPTIONS, type DashboardFilters } from '../utils/dashboard-filters.ts'

/**
 * The filters of every metric page as a plain GET form, so the URL carries them and the page
 * works without JavaScript (Apply); with it, a change applies at once. Pages add their own
 * fields as children.
 */
export function FilterBar({
  filters,
  restaurants,
  children,
  showPipeline = true,
}: {
  filters: DashboardFilters
  restaurants: Array<{ slug: string; name: string }>
  children?: React.ReactNode
  showPipeline?: boolean
}) {
  const submit = useSubmit()
  const custom = Boolean(filters.from && filters.to)
  return (
    <Form
      method="get"
      className="filters"
      aria-label="Filters"
      onChange={(event) => {
        // a custom range applies on Apply only: typing a date fires change events mid-way
        if ((event.target as HTMLElement).dataset.manual === 'true') return
        submit(event.currentTarget, { preventScrollReset: true, replace: true })
      }}
    >
      {custom ? (
        <>
          <div className="filter">
            <label htmlFor="filter-from">From</label>
            <input id="filter-from" name="from" defaultValue={filters.from} data-manual="true" size={22} />
          </div>
          <div className="filter">
            <label htmlFor="filter-to">To</label>
            <input id="filter-to" name="to" defaultValue={filters.to} data-manual="true" size={22} />
          </div>
        </>
      ) : (
        <div className="filter">
          <label htmlFor="filter-window">Time window</label>
          <select id="filter-window" name="window" defaultValue={filters.window} key={`w-${filters.window}`}>
            {Object.entries(DASHBOARD_WINDOWS).map(([value, option]) => (
              <option key={value} value={value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="filter">
        <label htmlFor="filter-restaurant">Restaurant</label>
        <select
          id="filter-restaurant"
          name="restaurant"
          defaultValue={filters.restaurant}
          key={`r-${filters.restaurant}`}
        >
          <option value="">All restaurants</option>
          {restaurants.map((r) => (
            <option key={r.slug} value={r.slug}>
              {r.name}
            </option>
          ))}
        </select>
      </div>
      {showPipeline ? (
        <div className="filter">
          <label htmlFor="filter-pipeline">Pipeline</label>
          <select id="filter-pipeline" name="pipeline" defaultValue={filters.pipeline} key={`p-${filters.pipeline}`}>
            {Object.entries(PIPELINE_OPTIONS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {children}
      <button type="submit" className="button button-secondary">
        Apply
      </button>
    </Form>
  )
}
