// Members as the policy engine sees them: each member is an institution in the collaboration
// with one node. Their countries come from the hub's records (admission), never from a request.

/** The Cedar id of a member's institution (members are named by their node). */
export function institutionId(member: string): string {
  return `institution:${member}`;
}

/** A member as policy entities: its institution (in the collaboration) and its node. */
export function memberEntities(
  member: { name: string; jurisdiction: string },
  collab: string,
): unknown[] {
  const country = member.jurisdiction;
  return [
    {
      type: 'Institution',
      id: institutionId(member.name),
      attrs: {
        country,
        headquartersCountry: country,
        entityListed: false,
        identityVerified: true,
        criticalInformationInfrastructure: false,
      },
      parents: [{ type: 'Collaboration', id: collab }],
    },
    {
      type: 'Node',
      id: member.name,
      attrs: { country },
      parents: [{ type: 'Institution', id: institutionId(member.name) }],
    },
  ];
}
