from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'migration_diff.sql.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_steps = resolve('steps')
    try:
        t_1 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_4 = environment.filters['sql_string']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'sql_string' found.")
    pass
    for l_1_step in (undefined(name='steps') if l_0_steps is missing else l_0_steps):
        _loop_vars = {}
        pass
        if (environment.getattr(l_1_step, 'kind') == 'CreateSchema'):
            pass
            yield '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS '
            yield str(t_1(environment.getattr(l_1_step, 'schema')))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'DropExtension'):
            pass
            yield '-- DropExtension\nDROP EXTENSION '
            yield str(t_1(environment.getattr(environment.getattr(l_1_step, 'extension'), 'name')))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'CreateExtension'):
            pass
            l_2_extension = environment.getattr(l_1_step, 'extension')
            pass
            template = environment.get_template('_create_extension.sql.jinja', 'migration_diff.sql.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'extension': l_2_extension, 'step': l_1_step}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
            l_2_extension = missing
        elif (environment.getattr(l_1_step, 'kind') == 'CreateEnum'):
            pass
            yield '-- CreateEnum\nCREATE TYPE '
            yield str(environment.getattr(environment.getattr(environment.getattr(l_1_step, 'enum'), 'name'), 'sql'))
            yield ' AS ENUM ('
            yield str(environment.getattr(environment.getattr(l_1_step, 'enum'), 'value_list'))
            yield ');\n'
        elif ((environment.getattr(l_1_step, 'kind') == 'AlterEnum') and environment.getattr(l_1_step, 'statements')):
            pass
            yield '-- AlterEnum\n'
            for l_2_statement in environment.getattr(l_1_step, 'statements'):
                _loop_vars = {}
                pass
                yield str(l_2_statement)
                yield ';\n'
            l_2_statement = missing
        elif (environment.getattr(l_1_step, 'kind') == 'AlterEnum'):
            pass
            yield '-- AlterEnum\n'
            if (t_3(environment.getattr(l_1_step, 'values')) > 1):
                pass
                yield '-- This migration adds more than one value to an enum.\n-- With PostgreSQL versions 11 and earlier, this is not possible\n-- in a single migration. This can be worked around by creating\n-- multiple migrations, each migration adding only one value to\n-- the enum.\n\n\n'
            for l_2_value in environment.getattr(l_1_step, 'values'):
                _loop_vars = {}
                pass
                yield 'ALTER TYPE '
                yield str(environment.getattr(environment.getattr(environment.getattr(l_1_step, 'enum'), 'name'), 'sql'))
                yield ' ADD VALUE '
                yield str(t_4(l_2_value))
                yield ';\n'
            l_2_value = missing
        elif (environment.getattr(l_1_step, 'kind') == 'DropForeignKey'):
            pass
            yield '-- DropForeignKey\nALTER TABLE '
            yield str(environment.getattr(environment.getattr(environment.getattr(l_1_step, 'foreign_key'), 'table'), 'sql'))
            yield ' DROP CONSTRAINT '
            yield str(t_1(environment.getattr(environment.getattr(l_1_step, 'foreign_key'), 'name')))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'DropIndex'):
            pass
            yield '-- DropIndex\nDROP INDEX '
            yield str(environment.getattr(environment.getattr(l_1_step, 'index'), 'qualified_name'))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'AlterTable'):
            pass
            yield '-- AlterTable\n'
            for l_2_statement in environment.getattr(l_1_step, 'before'):
                _loop_vars = {}
                pass
                yield str(l_2_statement)
                yield ';\n'
            l_2_statement = missing
            yield 'ALTER TABLE '
            yield str(environment.getattr(environment.getattr(environment.getattr(l_1_step, 'table'), 'name'), 'sql'))
            yield ' '
            yield str(t_2(context.eval_ctx, environment.getattr(l_1_step, 'clauses'), ',\n'))
            yield ';\n'
            for l_2_statement in environment.getattr(l_1_step, 'after'):
                _loop_vars = {}
                pass
                yield str(l_2_statement)
                yield ';\n'
            l_2_statement = missing
        elif (environment.getattr(l_1_step, 'kind') == 'DropTable'):
            pass
            yield '-- DropTable\nDROP TABLE '
            yield str(environment.getattr(environment.getattr(environment.getattr(l_1_step, 'table'), 'name'), 'sql'))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'DropEnum'):
            pass
            yield '-- DropEnum\nDROP TYPE '
            yield str(environment.getattr(environment.getattr(environment.getattr(l_1_step, 'enum'), 'name'), 'sql'))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'CreateTable'):
            pass
            l_2_table = environment.getattr(l_1_step, 'table')
            pass
            template = environment.get_template('_create_table.sql.jinja', 'migration_diff.sql.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'table': l_2_table, 'step': l_1_step}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
            l_2_table = missing
        elif (environment.getattr(l_1_step, 'kind') == 'CreateIndex'):
            pass
            l_2_index = environment.getattr(l_1_step, 'index')
            pass
            template = environment.get_template('_create_index.sql.jinja', 'migration_diff.sql.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'index': l_2_index, 'step': l_1_step}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
            l_2_index = missing
        elif (environment.getattr(l_1_step, 'kind') == 'RenameForeignKey'):
            pass
            yield '-- RenameForeignKey\nALTER TABLE '
            yield str(environment.getattr(environment.getattr(environment.getattr(l_1_step, 'foreign_key'), 'table'), 'sql'))
            yield ' RENAME CONSTRAINT '
            yield str(t_1(environment.getattr(environment.getattr(l_1_step, 'foreign_key'), 'name')))
            yield ' TO '
            yield str(t_1(environment.getattr(l_1_step, 'new_name')))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'RenameIndex'):
            pass
            yield '-- RenameIndex\nALTER INDEX '
            yield str(environment.getattr(environment.getattr(l_1_step, 'index'), 'qualified_name'))
            yield ' RENAME TO '
            yield str(t_1(environment.getattr(l_1_step, 'new_name')))
            yield ';\n'
        elif (environment.getattr(l_1_step, 'kind') == 'AddForeignKey'):
            pass
            l_2_foreign_key = environment.getattr(l_1_step, 'foreign_key')
            pass
            template = environment.get_template('_add_foreign_key.sql.jinja', 'migration_diff.sql.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'foreign_key': l_2_foreign_key, 'step': l_1_step}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
            l_2_foreign_key = missing
        yield '\n'
    l_1_step = missing

blocks = {}
debug_info = '5=36&6=39&8=42&9=44&11=47&12=49&13=53&14=60&16=63&17=67&19=70&20=73&22=76&24=79&33=82&34=86&36=91&38=94&39=98&41=101&42=103&44=106&45=109&47=113&48=117&49=120&51=123&53=126&54=128&56=131&57=133&58=137&59=144&60=148&61=155&63=158&64=164&66=167&67=171&68=175'