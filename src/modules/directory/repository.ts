// SQL over the directory schema. Only this module's code touches these tables.
import type { Queryable } from '../../core/db';
import type { Member, Subsystem } from './service';

interface SubsystemRow {
  id: string;
  instance: string;
  member_class: string;
  member_code: string;
  subsystem_code: string;
  name_ko: string;
  name_en: string;
  role: Subsystem['role'];
}

const SUBSYSTEM_COLUMNS = 'id, instance, member_class, member_code, subsystem_code, name_ko, name_en, role';

function toSubsystem(row: SubsystemRow): Subsystem {
  return {
    id: row.id,
    instance: row.instance,
    memberClass: row.member_class,
    memberCode: row.member_code,
    subsystemCode: row.subsystem_code,
    name: { ko: row.name_ko, en: row.name_en },
    role: row.role,
  };
}

export async function listMembers(db: Queryable): Promise<Member[]> {
  const result = await db.query<{
    instance: string;
    member_class: string;
    member_code: string;
    name_ko: string;
    name_en: string;
    class_ko: string;
    class_en: string;
  }>(
    `SELECT m.instance, m.member_class, m.member_code, m.name_ko, m.name_en, c.name_ko AS class_ko, c.name_en AS class_en
       FROM directory.members m JOIN directory.member_classes c ON c.code = m.member_class
      ORDER BY m.instance, m.member_class, m.member_code`,
  );
  return result.rows.map((row) => ({
    id: `${row.instance}/${row.member_class}/${row.member_code}`,
    instance: row.instance,
    memberClass: row.member_class,
    memberCode: row.member_code,
    name: { ko: row.name_ko, en: row.name_en },
    className: { ko: row.class_ko, en: row.class_en },
  }));
}

export async function listSubsystems(db: Queryable): Promise<Subsystem[]> {
  const result = await db.query<SubsystemRow>(
    `SELECT ${SUBSYSTEM_COLUMNS} FROM directory.subsystems ORDER BY instance, member_class, member_code, subsystem_code`,
  );
  return result.rows.map(toSubsystem);
}

export async function findSubsystem(db: Queryable, id: string): Promise<Subsystem | undefined> {
  const result = await db.query<SubsystemRow>(`SELECT ${SUBSYSTEM_COLUMNS} FROM directory.subsystems WHERE id = $1`, [id]);
  const row = result.rows[0];
  return row && toSubsystem(row);
}
