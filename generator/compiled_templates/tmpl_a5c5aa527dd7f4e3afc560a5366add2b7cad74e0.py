from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'migration.sql.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_database = resolve('database')
    try:
        t_1 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    pass
    for l_1_schema in environment.getattr((undefined(name='database') if l_0_database is missing else l_0_database), 'schemas'):
        _loop_vars = {}
        pass
        yield '-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS '
        yield str(t_1(l_1_schema))
        yield ';\n\n'
    l_1_schema = missing
    for l_1_extension in environment.getattr((undefined(name='database') if l_0_database is missing else l_0_database), 'extensions'):
        _loop_vars = {}
        pass
        template = environment.get_template('_create_extension.sql.jinja', 'migration.sql.jinja')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'extension': l_1_extension}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
        yield '\n'
    l_1_extension = missing
    for l_1_enum in environment.getattr((undefined(name='database') if l_0_database is missing else l_0_database), 'enums'):
        _loop_vars = {}
        pass
        yield '-- CreateEnum\nCREATE TYPE '
        yield str(environment.getattr(environment.getattr(l_1_enum, 'name'), 'sql'))
        yield ' AS ENUM ('
        yield str(environment.getattr(l_1_enum, 'value_list'))
        yield ');\n\n'
    l_1_enum = missing
    for l_1_table in environment.getattr((undefined(name='database') if l_0_database is missing else l_0_database), 'tables'):
        _loop_vars = {}
        pass
        template = environment.get_template('_create_table.sql.jinja', 'migration.sql.jinja')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'table': l_1_table}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
        yield '\n'
    l_1_table = missing
    for l_1_table in environment.getattr((undefined(name='database') if l_0_database is missing else l_0_database), 'tables'):
        _loop_vars = {}
        pass
        for l_2_index in environment.getattr(l_1_table, 'indexes'):
            _loop_vars = {}
            pass
            template = environment.get_template('_create_index.sql.jinja', 'migration.sql.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'index': l_2_index, 'table': l_1_table}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
            yield '\n'
        l_2_index = missing
    l_1_table = missing
    for l_1_table in environment.getattr((undefined(name='database') if l_0_database is missing else l_0_database), 'tables'):
        _loop_vars = {}
        pass
        for l_2_foreign_key in environment.getattr(l_1_table, 'foreign_keys'):
            _loop_vars = {}
            pass
            template = environment.get_template('_add_foreign_key.sql.jinja', 'migration.sql.jinja')
            gen = template.root_render_func(template.new_context(context.get_all(), True, {'foreign_key': l_2_foreign_key, 'table': l_1_table}))
            try:
                for event in gen:
                    yield event
            finally: gen.close()
            yield '\n'
        l_2_foreign_key = missing
    l_1_table = missing

blocks = {}
debug_info = '5=18&7=22&10=25&11=28&14=36&16=40&19=45&20=48&23=56&24=59&25=62&29=71&30=74&31=77'