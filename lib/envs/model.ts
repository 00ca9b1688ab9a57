/**
 * A compiled MJCF model plus the constants the environments read from it, copied out of wasm
 * memory once (model arrays are fixed after compilation, and every embind getter call costs
 * about half a microsecond and a fresh typed-array view).
 */
import type { MjModel, MjOption } from '@mujoco/mujoco';
import type { Mujoco } from './mujoco.js';

/** Object kinds that tasks look up by name. */
export type ObjectKind = 'body' | 'joint' | 'geom' | 'site' | 'sensor' | 'actuator';

/** MuJoCo joint types, by name (values come from the module's `mjtJoint` enum). */
export type JointType = 'free' | 'ball' | 'slide' | 'hinge';

/** MuJoCo geom types that the renderer draws. */
export type GeomType = 'plane' | 'sphere' | 'capsule' | 'ellipsoid' | 'cylinder' | 'box' | 'other';

/** Joint constants the initial-state randomiser needs. */
export interface JointInfo {
  readonly name: string;
  readonly type: JointType;
  readonly limited: boolean;
  readonly range: readonly [number, number];
  readonly qposAddress: number;
}

/** Geom constants the renderer needs. */
export interface GeomInfo {
  readonly name: string;
  readonly type: GeomType;
  readonly size: readonly [number, number, number];
  /** RGBA in [0, 1], from the geom's material when it has one. */
  readonly rgba: readonly [number, number, number, number];
  readonly bodyId: number;
}

/** Tendon constants the renderer needs. */
export interface TendonInfo {
  /** Drawing radius, metres. */
  readonly width: number;
  readonly rgba: readonly [number, number, number, number];
}

/** Owns one `MjModel`; {@link CompiledModel.delete} frees it. */
export class CompiledModel {
  readonly mj: Mujoco;
  readonly model: MjModel;
  /** The model's `opt` struct, held as one embind handle so toggling flags allocates nothing. */
  private readonly option: MjOption;
  readonly timestep: number;
  readonly usesRk4: boolean;
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  /** Actuator control ranges, [low0, high0, low1, high1, ...]. */
  readonly ctrlRange: Float64Array;
  readonly joints: readonly JointInfo[];
  readonly geoms: readonly GeomInfo[];
  readonly tendons: readonly TendonInfo[];
  /** Size of an `mjSTATE_INTEGRATION` state vector. */
  readonly integrationStateSize: number;
  private readonly actuationBit: number;
  private deleted = false;

  /**
   * Compiles `xml`.
   * @throws Error with MuJoCo's message when the XML does not compile.
   */
  constructor(mj: Mujoco, xml: string) {
    this.mj = mj;
    this.model = mj.MjModel.from_xml_string(xml);
    const m = this.model;
    this.option = m.opt;
    this.timestep = this.option.timestep;
    this.usesRk4 = this.option.integrator === mj.mjtIntegrator.mjINT_RK4.value;
    this.nq = m.nq;
    this.nv = m.nv;
    this.nu = m.nu;
    this.ctrlRange = Float64Array.from(m.actuator_ctrlrange as Float64Array);
    this.actuationBit = mj.mjtDisableBit.mjDSBL_ACTUATION.value;
    this.integrationStateSize = mj.mj_stateSize(m, mj.mjtState.mjSTATE_INTEGRATION.value);
    this.joints = this.readJoints();
    this.geoms = this.readGeoms();
    this.tendons = this.readTendons();
  }

  /**
   * The id of a named object.
   * @throws Error when the model has no such object (a bug in a task definition).
   */
  id(kind: ObjectKind, name: string): number {
    const objects = this.mj.mjtObj;
    const type = {
      body: objects.mjOBJ_BODY,
      joint: objects.mjOBJ_JOINT,
      geom: objects.mjOBJ_GEOM,
      site: objects.mjOBJ_SITE,
      sensor: objects.mjOBJ_SENSOR,
      actuator: objects.mjOBJ_ACTUATOR,
    }[kind].value;
    const id = this.mj.mj_name2id(this.model, type, name);
    if (id < 0) throw new Error(`model has no ${kind} named "${name}"`);
    return id;
  }

  /** Address of a named sensor's first value in `sensordata`. */
  sensorAddress(name: string): number {
    return (this.model.sensor_adr as Int32Array)[this.id('sensor', name)]!;
  }

  /** Address of a named joint's first coordinate in `qpos`. */
  qposAddress(jointName: string): number {
    return (this.model.jnt_qposadr as Int32Array)[this.id('joint', jointName)]!;
  }

  /** Address of a named joint's first degree of freedom in `qvel`. */
  dofAddress(jointName: string): number {
    return (this.model.jnt_dofadr as Int32Array)[this.id('joint', jointName)]!;
  }

  /** Size parameters of a named site. */
  siteSize(name: string): [number, number, number] {
    const sizes = this.model.site_size as Float64Array;
    const at = 3 * this.id('site', name);
    return [sizes[at]!, sizes[at + 1]!, sizes[at + 2]!];
  }

  /** Sets or clears MuJoCo's "actuation disabled" flag (DMC resets with actuation off). */
  setActuationDisabled(disabled: boolean): void {
    const flags = this.option.disableflags;
    this.option.disableflags = disabled ? flags | this.actuationBit : flags & ~this.actuationBit;
  }

  /** Frees the model. Idempotent. */
  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    this.option.delete();
    this.model.delete();
  }

  private name(address: number): string {
    const names = this.model.names as Int8Array;
    let end = address;
    while (end < names.length && names[end] !== 0) end++;
    return String.fromCharCode(...names.subarray(address, end));
  }

  private readJoints(): JointInfo[] {
    const m = this.model;
    const kinds = this.mj.mjtJoint;
    const typeNames = new Map<number, JointType>([
      [kinds.mjJNT_FREE.value, 'free'],
      [kinds.mjJNT_BALL.value, 'ball'],
      [kinds.mjJNT_SLIDE.value, 'slide'],
      [kinds.mjJNT_HINGE.value, 'hinge'],
    ]);
    const types = m.jnt_type as Int32Array;
    const range = m.jnt_range as Float64Array;
    const qposAddress = m.jnt_qposadr as Int32Array;
    const nameAddress = m.name_jntadr as Int32Array;
    const joints: JointInfo[] = [];
    for (let j = 0; j < m.njnt; j++) {
      // The bulk getter `jnt_limited` throws in @mujoco/mujoco 3.14.0 (its embind has no
      // memory_view<bool>); the per-joint accessor reads the same flag.
      const accessor = m.jnt(j);
      let limited: boolean;
      try {
        limited = Boolean(accessor.limited);
      } finally {
        accessor.delete();
      }
      joints.push({
        name: this.name(nameAddress[j]!),
        type: typeNames.get(types[j]!)!,
        limited,
        range: [range[2 * j]!, range[2 * j + 1]!],
        qposAddress: qposAddress[j]!,
      });
    }
    return joints;
  }

  private readTendons(): TendonInfo[] {
    const m = this.model;
    const widths = m.tendon_width as Float64Array;
    const colours = m.tendon_rgba as Float32Array;
    return Array.from({ length: m.ntendon }, (_, t) => ({
      width: widths[t]!,
      rgba: [colours[4 * t]!, colours[4 * t + 1]!, colours[4 * t + 2]!, colours[4 * t + 3]!] as const,
    }));
  }

  private readGeoms(): GeomInfo[] {
    const m = this.model;
    const kinds = this.mj.mjtGeom;
    const typeNames = new Map<number, GeomType>([
      [kinds.mjGEOM_PLANE.value, 'plane'],
      [kinds.mjGEOM_SPHERE.value, 'sphere'],
      [kinds.mjGEOM_CAPSULE.value, 'capsule'],
      [kinds.mjGEOM_ELLIPSOID.value, 'ellipsoid'],
      [kinds.mjGEOM_CYLINDER.value, 'cylinder'],
      [kinds.mjGEOM_BOX.value, 'box'],
    ]);
    const types = m.geom_type as Int32Array;
    const sizes = m.geom_size as Float64Array;
    const geomRgba = m.geom_rgba as Float32Array;
    const materialIds = m.geom_matid as Int32Array;
    const materialRgba = m.mat_rgba as Float32Array;
    const bodyIds = m.geom_bodyid as Int32Array;
    const nameAddress = m.name_geomadr as Int32Array;
    const geoms: GeomInfo[] = [];
    for (let g = 0; g < m.ngeom; g++) {
      const material = materialIds[g]!;
      const rgba = material >= 0 ? materialRgba : geomRgba;
      const at = 4 * (material >= 0 ? material : g);
      geoms.push({
        name: this.name(nameAddress[g]!),
        type: typeNames.get(types[g]!) ?? 'other',
        size: [sizes[3 * g]!, sizes[3 * g + 1]!, sizes[3 * g + 2]!],
        rgba: [rgba[at]!, rgba[at + 1]!, rgba[at + 2]!, rgba[at + 3]!],
        bodyId: bodyIds[g]!,
      });
    }
    return geoms;
  }
}
