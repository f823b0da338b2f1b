import { NotWired } from '../notice';

export function PlannerPage() {
  return (
    <section aria-labelledby="planner-title">
      <h1 id="planner-title">Planner</h1>
      <NotWired>
        <p>
          The planner is not wired into the hub yet: it runs on its own with{' '}
          <code>converge plan --scenario east-data-west-computing</code> (placements with cost,
          carbon and the policies that excluded sites). Placements will be drawn on the network map
          once the hub asks the planner where work runs.
        </p>
      </NotWired>
    </section>
  );
}
