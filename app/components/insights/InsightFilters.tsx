import Form from 'next/form';
import Link from 'next/link';
import type { FilterSpec } from '@/lib/insightViews';

/** The filters as a GET form: applying them puts them in the URL's query string (client-side navigation). */
export function InsightFilters({
  action,
  filters,
  values,
  categories,
}: {
  action: string;
  filters: FilterSpec[];
  values: Record<string, string>;
  categories: string[];
}) {
  return (
    <Form action={action} className="insight-filters" data-testid="insight-filters">
      {filters.map((filter) => (
        <label key={filter.name} title={filter.hint}>
          <span>{filter.label}</span>
          {filter.kind === 'category' ? (
            <select name="category" defaultValue={values.category ?? ''}>
              <option value="">All categories</option>
              {[...new Set([...categories, ...(values.category ? [values.category] : [])])].map((category) => (
                <option key={category} value={category}>
                  {category}
                </option>
              ))}
            </select>
          ) : (
            <input
              name={filter.name}
              type={filter.kind === 'number' ? 'number' : 'date'}
              step={filter.kind === 'number' ? 'any' : undefined}
              placeholder={filter.kind === 'number' ? 'reorder level' : undefined}
              defaultValue={values[filter.name] ?? ''}
            />
          )}
        </label>
      ))}
      <button type="submit" className="primary">
        Apply
      </button>
      <Link href={action} className="reset">
        Reset
      </Link>
    </Form>
  );
}
