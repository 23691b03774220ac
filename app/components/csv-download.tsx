/** A plain link to the page's resource route with format=csv: works without JavaScript. */
export function CsvDownload({ href, label = 'Download CSV' }: { href: string; label?: string }) {
  return (
    <a className="button button-secondary button-small" href={href} download data-testid="csv-download">
      {label}
    </a>
  )
}
